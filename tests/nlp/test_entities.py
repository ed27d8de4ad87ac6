"""Entities an agent needs on the call."""

from __future__ import annotations

from callbrief.nlp.entities import EntityExtractor


def pairs(text: str, catalogue=()) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(e.type, e.text) for e in EntityExtractor(catalogue).extract(text)]


def test_tracking_number_in_turkish_complaint():
    text = "Kargom 2 haftadır gelmedi, takip no HK48213377, paramı iade edin"
    assert pairs(text) == [("order_id", "HK48213377")]


def test_amounts_in_every_currency_customers_write():
    found = pairs("1.250,50 TL, ₺45.000, 250 manat, 5 AZN, $49.99 ve €20 ödedim")
    assert [t for k, t in found if k == "amount"] == [
        "1.250,50 TL",
        "₺45.000",
        "250 manat",
        "5 AZN",
        "$49.99",
        "€20",
    ]


def test_phones_emails_dates_and_urls():
    found = pairs(
        "Tel 0532 123 45 67 veya +994 50 123 45 67, mail ali.veli@example.com, "
        "12.03.2026 ve 15 mart, bkz https://example.com/siparis/1"
    )
    assert ("phone", "0532 123 45 67") in found
    assert ("phone", "+994 50 123 45 67") in found
    assert ("email", "ali.veli@example.com") in found
    assert ("date", "12.03.2026") in found and ("date", "15 mart") in found
    assert ("url", "https://example.com/siparis/1") in found


def test_order_number_after_a_cue_word_even_without_letters():
    assert ("order_id", "45123987") in pairs("I was charged twice for order #45123987")
    assert ("order_id", "884512") in pairs("sifariş nömrəsi 884512 hələ gəlməyib")


def test_products_from_the_catalogue_whatever_the_casing():
    found = pairs("IPHONE 15 aldım, Maximum Kart ile ödedim", ["iPhone 15", "Maximum Kart"])
    assert [k for k, _ in found] == ["product", "product"]
    assert [t for _, t in found] == ["IPHONE 15", "Maximum Kart"]


def test_plain_numbers_are_not_entities():
    assert pairs("2 haftadır bekliyorum, 3 kere aradım") == []


def test_carrier_tracking_numbers_that_start_with_digits():
    found = pairs("The tracking number (1Z999AA10123456784) hasn't updated since Oct 3.")
    assert ("order_id", "1Z999AA10123456784") in found
    assert ("date", "Oct 3") in found


def test_short_codes_with_few_digits_are_not_orders():
    assert pairs("COVID19 rules at the B737 gate") == []


def test_pounds_and_uk_phone_numbers():
    found = pairs("Paid £7.40 twice, ring me back on 07700 900217 or +49 151 2370 8841")
    assert ("amount", "£7.40") in found
    assert ("phone", "07700 900217") in found and ("phone", "+49 151 2370 8841") in found


def test_return_and_booking_codes_after_a_code_word():
    assert ("order_id", "RTN-5521") in pairs("Return code RTN-5521 is ready, parcel at the door")
    assert ("order_id", "IADE-5521") in pairs("İade kodu IADE-5521 hazır, paket kapıda bekliyor")
    assert ("order_id", "QX7M2K") in pairs("Bron kodu QX7M2K, otel bronum yandı")
    assert pairs("the code is ready") == []


def test_products_named_with_a_model_token_in_every_language():
    assert ("product", "Orbit X2") in pairs("pre-ordered the Orbit X2 console, still nothing")
    assert ("product", "TurboCook 5L") in pairs("TurboCook 5L fritöz fişten kıvılcım çıkardı")
    assert ("product", "Sonik Air 3") in pairs("Yeni aldığım Sonik Air 3 qulaqlığın səsi yoxdur")
    mine = pairs("My Brightwave Hub 4 router is too hot to touch")
    assert ("product", "Brightwave Hub 4") in mine  # the demo's post, without "My"
    found = pairs("On Brightwave Fiber 300 and getting 14 Mbps")
    assert ("product", "Brightwave Fiber 300") in found


def test_flight_gate_and_plain_counts_are_not_products():
    assert pairs("Cancelled Flight 4 times this month, stuck at Gate M13") == []
    assert pairs("Paketim 3 gündür gelmedi") == []
    # the demo's post: the package's price is an amount, the package no product
    assert pairs("Ulduz Mobil 10 manatlıq paket aldım, 2 günə bitdi") == [("amount", "10 manat")]
    assert pairs("THE WORST AIRLINE 2 HOURS LATE") == []


def test_amounts_with_a_case_ending_keep_the_amount_only():
    found = pairs("Tarifi 25 manatdan 32 manata qaldırıb, 120 manatımı qaytarın, 150 liraya aldım")
    assert [t for k, t in found if k == "amount"] == [
        "25 manat",
        "32 manat",
        "120 manat",
        "150 lira",
    ]


def test_a_web_address_without_http_is_a_url_and_an_email_stays_an_email():
    found = pairs("sepetim.com.tr/sifremi-unuttum hata veriyor, destek@sepetim.com.tr da yanıtsız")
    assert ("url", "sepetim.com.tr/sifremi-unuttum") in found
    assert ("email", "destek@sepetim.com.tr") in found
    assert not [t for k, t in found if k == "url" and "@" in t]
    assert pairs("e.g. this, or i.e. that") == []
