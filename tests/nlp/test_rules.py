"""Asks, signals, irony and the rule-only complaint evidence."""

from __future__ import annotations

import pytest

from callbrief.nlp.decisions import complaint_rule, is_ironic
from callbrief.nlp.text import normalise


def cues_of(cue_finder, text):  # type: ignore[no-untyped-def]
    n = normalise(text)
    return cue_finder.find(n.folded, n.clean)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Kargom gelmedi, paramı iade edin", ["refund"]),
        ("Pulumu qaytarın və mənə zəng edin", ["refund", "callback"]),
        ("Please fix this and call me back", ["repair", "callback"]),
        ("I want to cancel my subscription", ["cancel"]),
        ("Ürün kırık geldi, yenisini gönderin", ["replacement"]),
    ],
)
def test_asks_in_three_languages(cue_finder, text, asks):
    assert cues_of(cue_finder, text).asks == asks


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("Şarj aleti alev aldı, çocuğum yaralanıyordu", "safety_risk"),
        ("The heater caught fire in my kitchen", "safety_risk"),
        ("Avukatıma verdim, tüketici hakem heyetine gidiyorum", "legal_threat"),
        ("Vəkilimlə məhkəməyə verəcəyəm", "legal_threat"),
        ("Switching to Vodafone, never again", "churn_threat"),
        ("Kaçıncı kez yazıyorum", "repeat_contact"),
    ],
)
def test_signals_in_three_languages(cue_finder, text, signal):
    assert signal in cues_of(cue_finder, text).signals


@pytest.mark.parametrize(
    ("text", "failure"),
    [
        ("Otobüste bozuk parayla ödeme yapılabiliyor mu?", False),  # small change
        ("Yarın evde olmayacağım, paket komşuya bırakılabilir mi?", False),
        ("Bileti almamışam, əvvəlcə baqaj limitini bilmək istəyirəm.", False),
        ("Telefon bozuk geldi, ekran açılmıyor", True),
        ("Kurye paketi komşuya bıraktı, ben evdeydim", True),
        ("Sabah evdə olmayacağam, ünvanı dəyişmək olarmı?", False),
        ("Yeni tarifə keçdim, hələ ki hər şey qaydasındadır", False),  # so far
        ("Tətbiqi yüklədim, hələ sifariş verməmişəm", False),  # not ordered yet
        ("Bağlama hələ də yoldadır", True),  # still
        ("Hesabıma daxil ola bilmirəm", True),  # bil- after a verb: "can't"
        ("Qaytarılan pulumu 2 həftədir almamışam", True),  # money not received
        ("Sipariş vermedim ama kartımdan 500 TL çekildi", True),  # charged for no order
    ],
)
def test_words_that_only_look_like_a_failure(cue_finder, text, failure):
    assert bool(cues_of(cue_finder, text).failure) == failure


@pytest.mark.parametrize(
    ("text", "churn"),
    [
        # refusing to come back is churn, and its "again" repeats no contact
        ("Bag lost on the way to Porto. Never flying with you again @SkyRoute", True),
        ("I won't be ordering again after this, @Crumbly", True),
        ("Kulaklık bir haftada bozuldu, bu markadan tekrar almam.", True),
        ("Bu mağazaya bir daha tekrar gelmeyeceğim, kasiyer çok kabaydı.", True),
        ("Never again @Brightline, the worst service I have ever had.", True),
        # coming back stays no signal at all
        ("Lovely crew, will definitely be flying with you again!", False),
        ("Harika ürün, tekrar alırım.", False),
    ],
)
def test_a_refused_return_is_churn_and_a_promised_one_no_signal(cue_finder, text, churn):
    signals = cues_of(cue_finder, text).signals
    assert ("churn_threat" in signals) == churn
    assert "repeat_contact" not in signals


@pytest.mark.parametrize(
    ("text", "churn"),
    [
        # they came over to the brand they write to: no threat to leave it
        ("10 yıl başka operatördeydim, geçen hafta @YildizNet'e geçtim, fatura daha ucuz.", False),
        ("8 il başqa operatorda qaldım, bu gün @AyNet-ə keçdim. Hər şey qaydasındadır.", False),
        ("Rakip firmadan geçtim, hiç pişman değilim @KumbaraBank", False),
        (
            "Finally switched to @Brightline after years with another provider. So far so good.",
            False,
        ),
        # leaving the brand they write to stays churn
        ("@YildizNet 4 gündür internet yok, ay sonu başka operatöre geçiyorum.", True),
        ("@AyNet artıq bezdim, başqa provayderə keçirəm.", True),
        # ...and so does moving to a rival named by its @handle
        ("@YildizNet 4 gündür internet yok, yarın @KuzeyFiber'e geçiyorum.", True),
        ("@Skyreach third outage this month, I'm switching to @Brightline", True),
    ],
)
def test_switching_to_the_brand_written_to_is_no_churn(cue_finder, text, churn):
    assert ("churn_threat" in cues_of(cue_finder, text).signals) == churn


@pytest.mark.parametrize(
    ("brand", "churn"),
    [("Yildiz Net", False), ("KuzeyFiber", True)],
)
def test_the_brand_known_decides_who_was_left(cue_finder, brand, churn):
    n = normalise("Geçen hafta @YildizNet'e geçtim, @KuzeyFiber'i hiç aramıyorum")
    assert ("churn_threat" in cue_finder.find(n.folded, n.clean, brand).signals) == churn


@pytest.mark.parametrize(
    ("text", "repeat"),
    [
        ("Wrote to @Fernbank about the chargeback on 3 Oct, 10 Oct and 24 Oct. Nothing.", True),
        ("Phoned the helpline Monday and again on Thursday, still no engineer booked.", True),
        ("1, 8 ve 15 Nisan'da müşteri hizmetlerine yazdım, tek bir cevap yok.", True),
        ("5 martda, 12 martda və 19 martda zəng etdim, heç kim götürmədi.", True),
        # dates of different events, or one date: nothing says the customer wrote more than once
        ("Posted the parcel back on 6 May, your warehouse signed for it on 8 May.", False),
        ("Emailed you on 14 March about the refund, no reply yet.", False),
        ("12 Mayıs'ta sipariş verdim, 20 Mayıs oldu hâlâ gelmedi.", False),
        # the nth person they were passed to, or "at ten too": they had been in touch before
        ("Fourth agent this week telling me to restart the router.", True),
        ("Üçüncü temsilci de aynı şeyi söyledi, sorun duruyor.", True),
        ("Öğlen 12'de de aradım, akşam 6'da da, kimse açmadı.", True),
        ("Saat 10'da da açık mısınız?", False),
    ],
)
def test_earlier_contact_told_by_dates_agents_or_times_is_a_repeat_contact(
    cue_finder, text, repeat
):
    assert ("repeat_contact" in cues_of(cue_finder, text).signals) == repeat


@pytest.mark.parametrize(
    "text",
    [
        "Love how you went down on launch day 🙃",
        "Gecikmede rekor kırıyorsunuz, tebrikler",
        "Great job losing my bag AGAIN. Thanks a lot.",
        "Əla xidmət, 3 gündür internet yoxdur",
        "Great, just great. Third day without internet.",
        "Harika hizmet, 3 haftadır kargo bekliyorum 👏",
        # a wait, "nobody cares", "where is my money" are the failure the marker mocks
        "Kuyrukta 1 saat bekledim, sonra hat kapandı. Tebrikler gerçekten 👏",
        "Növbədə 20 nəfərik, heç kimin vecinə deyil. Əla xidmət 🙃",
        "İadem onaylanalı 3 hafta oldu. Param nerede? 🙂",
        "Three weeks since you approved it. Where's my refund? 🙂",
        "Tebrikler 👏 ömür boyu aidatsız dediğiniz karttan bu ay aidat kestiniz",
    ],
)
def test_sarcasm_is_flagged(cue_finder, text):
    cues = cues_of(cue_finder, text)
    assert is_ironic(cues, complaint_rule(cues) > 0.5)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, the courier was really quick today!",
        "Teşekkürler, sorunum hemen çözüldü",
        "Hi, my parcel hasn't arrived yet, could you please check? Thanks",
        "Package arrived early, great job! 👏",
    ],
)
def test_sincere_thanks_and_polite_complaints_are_not_sarcasm(cue_finder, text):
    cues = cues_of(cue_finder, text)
    assert not is_ironic(cues, complaint_rule(cues) > 0.5)


def test_rule_evidence_orders_complaint_over_praise(cue_finder):
    complaint = complaint_rule(cues_of(cue_finder, "Siparişim gelmedi, rezalet, paramı iade edin"))
    question = complaint_rule(cues_of(cue_finder, "Yeni kampanya ne zaman başlıyor?"))
    praise = complaint_rule(cues_of(cue_finder, "Harika hizmet, teşekkürler!"))
    assert complaint > 0.8 > 0.3 > question > praise


def test_words_that_merely_start_like_a_keyword_do_not_match(cue_finder):
    # "açılır" (opens) folds to "acilir", which starts like "acil" (urgent)
    assert "urgent" not in cues_of(cue_finder, "Bu gün filialınız neçədə açılır?").priority_cues
    assert "urgent" in cues_of(cue_finder, "Acil dönüş yapın lütfen").priority_cues
    # "davam edir" (goes on) starts like "dava" (lawsuit)
    assert "legal_threat" not in cues_of(cue_finder, "Problem 3 gündür davam edir").signals


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Yaşlı annem 3 gündür faturasız kaldı", "vulnerable"),
        ("My pregnant wife has had no heating for two days", "vulnerable"),
        ("Təcili kömək lazımdır, internet yoxdur", "urgent"),
    ],
)
def test_vulnerable_and_urgent_raise_priority_without_being_signals(cue_finder, text, cue):
    cues = cues_of(cue_finder, text)
    assert cue in cues.priority_cues
    assert cue not in cues.signals


@pytest.mark.parametrize(
    "text",
    [
        "Yöneticinizle görüşmek istiyorum",
        "Müdürünüzü istiyorum",
        "Rəhbərinizlə danışmaq istəyirəm",
        "Put me through to your manager",
        "I want to speak to a supervisor",
    ],
)
def test_a_manager_request_is_a_signal_and_a_manager_ask(cue_finder, text):
    cues = cues_of(cue_finder, text)
    assert "manager_request" in cues.signals
    assert "manager" in cues.asks


def test_naming_a_manager_is_not_asking_for_one(cue_finder):
    cues = cues_of(cue_finder, "Mağaza müdürü bile ilgilenmedi")
    assert "manager_request" not in cues.signals and "manager" not in cues.asks


@pytest.mark.parametrize(
    ("text", "refund"),
    [
        ("I just want my $1,299 back", True),
        ("Give me my 40 pounds back", True),
        ("250 TL'mi geri istiyorum", True),
        ("50 manatımı qaytarın", True),
        ("I paid $50 back in May for this plan", False),
    ],
)
def test_an_amount_wanted_back_is_a_refund_ask(cue_finder, text, refund):
    assert ("refund" in cues_of(cue_finder, text).asks) is refund


@pytest.mark.parametrize(
    ("text", "brand", "category"),
    [
        ("Kargola kartımdan 149 TL çekti", "Kargola", "billing"),
        ("Kargola'ya yazdım, kartımdan para çekildi", "kargola", "billing"),
        ("#kargola hesabımdan para çekti", "Kargola", "billing"),
        # suffixed forms of a real topic word still count
        ("Kargola'dan kargom 5 gündür kargoda", "Kargola", "delivery"),
        ("Türk Telekom faturama zam yaptı", "Türk Telekom", "billing"),
    ],
)
def test_the_brand_name_and_handles_are_not_keywords(cue_finder, text, brand, category):
    n = normalise(text)
    cues = cue_finder.find(n.folded, n.clean, brand)
    assert list(cues.category_hits) == [category]


@pytest.mark.parametrize(
    "text",
    [
        "Paketim kayboldu",
        "You lost my luggage",
        "Ürün kırık geldi",
        "Bağlamam itib",
        "Kartımdan 2 kez 149 TL çekildi",
        "Balansımdan iki dəfə 15 AZN çıxılıb",
        "Operator mənə qışqırdı",
    ],
)
def test_harm_done(cue_finder, text):
    assert cues_of(cue_finder, text).harm


@pytest.mark.parametrize(
    "text",
    [
        "I lost my password",
        "Kargom geldi, iki kez aradım",
        "Tarifem iki kez değişti",
        "Sayfalar arasında kayboldum",  # "I got lost" in a book
    ],
)
def test_no_harm(cue_finder, text):
    assert not cues_of(cue_finder, text).harm


@pytest.mark.parametrize(
    "text",
    [
        "İnternet işləmir",
        "Sifarişim gəlmədi",
        "Şəbəkə yoxdur",
        "Hesabımdan pul çıxılıb",
        "Nömrəm səbəbsiz bağlanıb",
        "İşıq kəsilib",
    ],
)
def test_azerbaijani_failures(cue_finder, text):
    assert cues_of(cue_finder, text).failure


@pytest.mark.parametrize(
    "text",
    [
        "Kutu ezik geldi, içindeki bardak kırık",
        "Siparişim bozuk geldi",
        "Ürünler eksik geldi",
        "Sınıq gəldi, heç açılmır",
        "Bağlama əskik gəldi",
        "Finally arrived, but the screen is cracked",
        "Kargo geldi ama koli ezik",
        # left with the neighbours, signed for by someone (a demo post read as positive)
        "Komşu apartmana bırakmışlar, imzayı da kim attıysa",
    ],
)
def test_an_arrival_does_not_cancel_the_damage_it_brought(cue_finder, text):
    assert cues_of(cue_finder, text).failure >= 1


@pytest.mark.parametrize(
    "text",
    ["Sorunum çözüldü, teşekkürler", "İnternet çalışmıyordu, bugün düzeldi", "Problem həll olundu"],
)
def test_a_problem_reported_solved_is_no_failure(cue_finder, text):
    assert cues_of(cue_finder, text).failure == 0


@pytest.mark.parametrize(
    "text",
    [
        "Kargoyu başka adrese teslim etmişler",
        "Sifarişimi səhv ünvana çatdırıblar",
        "The courier left my parcel at the wrong address",
    ],
)
def test_delivery_to_the_wrong_address_is_harm(cue_finder, text):
    cues = cues_of(cue_finder, text)
    assert cues.harm and "delivery" in cues.category_hits


@pytest.mark.parametrize(
    "text",
    [
        "Kargo sorunsuz geldi, teşekkürler",
        "Satıcı sorunsuz bir alışveriş deneyimi bıraktı",
        "Modem problemsiz işləyir, sağ olun",
    ],
)
def test_without_a_problem_is_no_failure(cue_finder, text):
    assert cues_of(cue_finder, text).failure == 0


def test_an_unsolved_problem_is_still_a_failure(cue_finder):
    assert cues_of(cue_finder, "Sorunum hâlâ çözülmedi").failure > 0


@pytest.mark.parametrize(
    ("text", "put_right"),
    [
        ("Lost my bag on Monday, it was at my door on Tuesday. Thanks!", True),
        ("Faturamdaki fazla ücret iade edildi, teşekkürler", True),
        ("Problemim həll olundu, çox sağ olun", True),
        # negated, promised or asked about: no fix has happened
        ("Thanks, but it's not fixed", False),
        ("Thanks, they said it would be refunded by Friday", False),
        ("Teşekkürler, sorun çözüldü mü acaba?", False),
        ("Teşekkürler ama sorun çözülmedi", False),
        ("Sağ olun, amma problem həll olunmadı", False),
        # no thanks: a fix reported flatly is left to the heads
        ("It was fixed after three weeks and five calls", False),
        # something wrong after the fix, or the fix arrived broken
        ("Fixed on Monday, thanks, but it broke again today", False),
        ("Thanks, the replacement arrived smashed", False),
        # a closing word stands for the thanks; praise after the fix is sincere
        ("Yanlış pizza gelmişti, yazdım, doğrusu 20 dakikada geldi. Sorun kalmadı!", True),
        ("Səhv pizza gəlmişdi, yazdım, düzgünü 20 dəqiqəyə gəldi. Problem qalmadı!", True),
        ("Wrong pizza arrived, I messaged them, the right one came in 20 minutes. Sorted!", True),
        ("Uygulama dün çöktü, bugünkü güncelleme sorunu çözdü. Tebrikler", True),
        ("Bağlamam səhv ünvana getmişdi, amma tapıb elə həmin gün çatdırdılar. Əla xidmət.", True),
        # ...but before the fix it mocks the failure, and sarcasm or 👏 there is no thanks
        ("Tebrikler, kargomu kaybettiniz, sonra buldunuz. Sorun kalmadı!", False),
        ("Oh great, lost my bag, then it arrived a week late 👏 Thanks!", False),
        ("Thanks for nothing, it arrived", False),
        # the thing fixed is named by what had gone wrong with it
        ("They delivered my delayed bag to the hotel the same night. Thank you!", True),
        ("Courier tracked down my misdelivered parcel and brought it over. Cheers", True),
        ("Replaced my broken phone, but the new one is broken too. Thanks", False),
        # thanks that carry a negation: "can't thank", "hiç uğraştırmadılar"
        ("Sam tracked down my misdelivered parcel himself. Can't thank him enough.", True),
        ("Blender kırık gelmişti, ertesi gün yenisini gönderdiler. Hiç uğraştırmadılar.", True),
        # no charge taken, no dragging on, and a rescue are good news told with a negation
        ("Makinem bozulmuştu, usta geldi, parçayı değiştirdi, ücret almadı. Sağ olun", True),
        ("Sığorta ödənişi etdi, heç bir süründürmə olmadı. Təşəkkürlər", True),
        ("Hesabım kilitlenmişti, 10 dakikada açtınız. Günümü kurtardınız!", True),
        ("Kurye paramı almadı, iade de yapılmadı, teşekkürler", False),  # money not received
        # an insurance claim named by its damage, paid in full: nothing was damaged after the fix
        ("Kasko hasar ödemem 3 günde hesabıma geçti, eksiksiz. Teşekkürler", True),
    ],
)
def test_a_problem_put_right_needs_thanks_and_nothing_wrong_after(cue_finder, text, put_right):
    assert cues_of(cue_finder, text).put_right is put_right


@pytest.mark.parametrize(
    ("text", "old"),
    [
        ("80 yaşında annem evde tek", True),
        ("My 91-year-old gran is on her own", True),
        ("Nənəm 88 yaşındadır", True),
        ("my dad is 79", True),
        ("25 yaşındayım, ilk kez yazıyorum", False),
        ("Customer since 1984", False),
        ("I paid 80 pounds for this", False),
    ],
)
def test_an_old_person_named_by_age_is_vulnerable(cue_finder, text, old):
    assert ("vulnerable" in cues_of(cue_finder, text).priority_cues) is old


@pytest.mark.parametrize(
    ("text", "closing"),
    [
        ("Parcel arrived smashed, thanks.", True),
        ("They replaced it but the new one is broken too, thanks", True),
        ("Kargom paramparça geldi, teşekkürler.", True),
        ("İnternet 3 gündür yok, sağ olun", True),
        ("Bağlamam əzik gəldi, çox sağ olun", True),
        ("Sifarişim hələ də gəlmədi, təşəkkürlər", True),
        # a request closed politely, a question, a fix, or thanks that are not last
        ("My parcel hasn't arrived, please check, thanks", False),
        ("Where is my parcel? Thanks", False),
        ("Kargom gelmedi, lütfen kontrol eder misiniz, teşekkürler", False),
        ("Lost my bag on Monday, it was at my door on Tuesday. Thanks!", False),
        ("Thanks, the replacement arrived smashed", False),
        ("Thanks", False),
        # nothing wrong: plain thanks
        ("Great support today, thanks", False),
    ],
)
def test_thanks_that_close_a_failure_are_no_praise(cue_finder, text, closing):
    cues = cues_of(cue_finder, text)
    assert cues.conceded_praise is closing, cues


@pytest.mark.parametrize(
    ("text", "positive", "negative"),
    [
        ("Hiç memnun değilim", 0, 1),
        ("Ürün güzel, memnunum", 2, 0),
        ("Xidmətdən memnun qalmadım", 0, 1),
        ("Not impressed at all with the new app", 0, 1),
        ("Honestly not the best support", 0, 1),
        ("Thank you so much", 1, 0),
    ],
)
def test_negated_praise_is_a_negative_word(cue_finder, text, positive, negative):
    cues = cues_of(cue_finder, text)
    assert (cues.positive, cues.negative) == (positive, negative)


@pytest.mark.parametrize(
    ("text", "failure"),
    [
        ("Sonunu kestirebiliyorsunuz ama filmin tadını kaçırmayacak şekilde yazılmış", False),
        ("Kimseyi rahatsız etmeyecek biçimde paketlenmiş, teşekkürler", False),
        ("Kargom hâlâ gelmedi", True),  # a negated verb is still a failure
        ("İnternet işləmir", True),
        # nouns that end like a negated verb (-mir, -mur, -medi)
        ("Demir ayakları sağlam, İzmir'e yağmurda geldi, komedi filmi gibi kutu", False),
        # a complaint's verb negated: "it did not mislead me"
        ("Telefonu araştırarak almıştım, yanıltmadı beni", False),
        # an overcharge only when money was taken
        ("Daha pahalısına fazla para vermeye gerek yok", False),
        ("Faturamdan fazla para çekildi", True),
    ],
)
def test_a_negated_verb_of_manner_names_no_failure(cue_finder, text, failure):
    n = normalise(text)
    assert bool(cue_finder.find(n.folded, n.clean).failure) is failure


@pytest.mark.parametrize(
    "text",
    [
        "The sales guy changed my plan without asking",
        "Şube çalışanı bana sormadan hesabıma sigorta bağlamış",
        "Filialda məndən soruşmadan hesabıma sığorta qoşublar",
        "Food was lovely. But we waited 80 minutes for it",
    ],
)
def test_done_without_consent_or_a_long_wait_is_a_failure(cue_finder, text):
    assert cues_of(cue_finder, text).failure > 0


@pytest.mark.parametrize(
    "text",
    [
        "Hiç sorun yaşamadım, teşekkürler",
        "Ürünün hiçbir sorunu yok, çok memnunum",
        "Lezzete diyecek bir şey yok",
        "Heç bir problem olmadı, çox sağ olun",
        "Deyəcək söz yoxdur, əla xidmət",
        "No problems at all, thanks",
        "Never had an issue with them",
        "Hayatımda hiç bu kadar kaliteli bir film izlemedim",
        "Kutu hasarsız, ürün eksiksiz ve kusursuz geldi",
        "Kullanmakta hiçbir sakınca yoktur",
        "Çok teşekkürler, eksik olmayın",
        "Allah sizi başımızdan eksik etmesin",
        "Kamerası mükemmel, ısınma sorunu daha yaşamadım",  # "not yet"
        "Gayet kullanışlı, hiçbir sorunla karşılaşmadık",
        "Üç yıldır kullanıyorum, sorunların hiçbirini burada yaşamadım",
    ],
)
def test_a_problem_denied_is_no_failure(cue_finder, text):
    assert cues_of(cue_finder, text).failure == 0


@pytest.mark.parametrize(
    "text",
    [
        "No issues with the router but the bill is wrong",
        "Sorun yok dediler ama internet hâlâ gelmedi",
        "Problem yoxdur deyirlər, amma internet işləmir",
    ],
)
def test_a_problem_denied_beside_a_real_one_keeps_the_real_one(cue_finder, text):
    assert cues_of(cue_finder, text).failure > 0


def test_never_seen_anything_so_bad_is_still_angry(cue_finder):
    assert cues_of(cue_finder, "Böyle rezalet görmedim").negative == 1


@pytest.mark.parametrize(
    ("text", "safety"),
    [
        ("Menüdeki her yemek lezzet patlaması yaşatıyor", False),
        ("The bill shocked me, £300 for one month", False),
        ("You should fire the manager who was rude to me", False),
        ("Ləzzət partlayışı, hər şey çox dadlı idi", False),
        ("Bugün kahkahalara boğulmama sebep olan herkese teşekkürler", False),
        ("İçim duman, dışım siyah", False),
        # the risk words themselves still mean a risk
        ("Telefonum patladı, elimi yaktı", True),
        ("My charger gave me an electric shock", True),
        ("The router caught fire", True),
    ],
)
def test_a_figure_of_speech_is_no_safety_risk(cue_finder, text, safety):
    assert ("safety_risk" in cues_of(cue_finder, text).signals) is safety


@pytest.mark.parametrize(
    ("text", "negative"),
    [
        ("Kötü değil", 0),
        ("Not bad at all, thanks", 0),
        ("Bu xidmət pis deyil", 0),
        ("Kötü değil, berbat", 1),  # the second word is meant
        ("Kesinlikle izleyin, pişman olmayacaksınız", 0),  # negated by its verb
        ("Aldığıma çok pişmanım", 1),
    ],
)
def test_a_negated_angry_word_is_no_anger(cue_finder, text, negative):
    assert cues_of(cue_finder, text).negative == negative


def test_no_thanks_is_a_refusal_not_gratitude(cue_finder):
    cues = cues_of(cue_finder, "Return it at my own cost? No thanks")
    assert cues.positive == 0


@pytest.mark.parametrize(
    "text",
    ["Teşekkürler, hepsi kırılmış.", "Hamısı qırılıb gəlib", "The kettle leaks from the base"],
)
def test_a_broken_or_leaking_item_is_a_failure(cue_finder, text):
    assert cues_of(cue_finder, text).failure > 0


@pytest.mark.parametrize(
    ("text", "failure"),
    [
        ("Kartımdan izinsiz çekim yapılmış", True),
        ("Hesabıma iznim olmadan sigorta eklenmiş", True),
        ("İzinsiz geçen iki haftanın ardından evdeyim", False),  # without leave, not consent
    ],
)
def test_without_permission_is_a_failure_only_for_an_act_done_to_the_customer(
    cue_finder, text, failure
):
    assert bool(cues_of(cue_finder, text).failure) is failure


def test_such_service_unacceptable_is_no_thanks(cue_finder):
    # "belə xidmət olmaz": such service is unacceptable; only "belə xidmətə görə" thanks
    assert not cues_of(cue_finder, "Bağlamanı 3 gün gec çatdırdılar, belə xidmət olmaz").put_right
    assert cues_of(cue_finder, "Bağlamanı çatdırdılar, belə xidmətə görə minnətdaram").put_right
    # and that verdict is an angry word in each language (it marks the grievance's sentence)
    for verdict in ("Belə xidmət olmaz.", "Böyle hizmet olmaz!", "Utanmalısınız.", "Disgraceful."):
        assert cues_of(cue_finder, verdict).negative, verdict


@pytest.mark.parametrize(
    ("text", "failure"),
    [
        ("@ParcelPoint the driver waited while I ran down the stairs", False),
        ("Calmed down now, the engineer tracked down the fault", False),
        ("We waited 80 minutes for our food", True),
        ("Waited over an hour on the phone", True),
        ("The app is down again", True),
        ("Internet down since this morning", True),
        ("You really let me down this time", True),
    ],
)
def test_down_and_waited_are_failures_only_when_they_say_so(cue_finder, text, failure):
    assert bool(cues_of(cue_finder, text).failure) is failure


@pytest.mark.parametrize(
    "text",
    [
        'Great, my parcel was "delivered" to a house that does not exist',
        "Tracking says “delivered” but there is nothing here",
        'Şikayetim "çözüldü" diye kapatılmış',
    ],
)
def test_a_status_in_quotes_is_disputed(cue_finder, text):
    assert cues_of(cue_finder, text).failure > 0


def test_a_quoted_word_that_is_no_status_is_no_failure(cue_finder):
    assert cues_of(cue_finder, 'Loved the "cosy corner" table, thank you').failure == 0


@pytest.mark.parametrize(
    ("text", "sarcasm"),
    [
        ("Thank you so much for your help with my birthday trip!", False),
        ("Thanks so much for sorting it", False),
        ("So much for next-day delivery", True),
    ],
)
def test_so_much_for_is_sarcasm_unless_thanked(cue_finder, text, sarcasm):
    assert cues_of(cue_finder, text).sarcasm is sarcasm


@pytest.mark.parametrize(
    ("text", "defect"),
    [
        ("Telefonum sürekli donuyor", True),
        ("Proqram hər dəfə ekran donur", True),
        # folded, "dönüyor" (goes back) and "dönür" (turns) spell "it freezes"
        ("Sesli menü yine başa dönüyor", False),
        ("Kuryer geri dönür, bağlamanı vermir", False),
    ],
)
def test_going_back_is_no_freezing_screen(cue_finder, text, defect):
    assert ("product_defect" in cues_of(cue_finder, text).category_hits) is defect


@pytest.mark.parametrize(
    ("text", "ask", "asked"),
    [
        ("Ürün kırık geldi, değiştirin lütfen", "replacement", True),
        ("Değişim talebimi 3 gün önce ilettim", "replacement", True),
        ("Televizor sınıq gəldi, dəyişdirin", "replacement", True),
        ("Tozsoran işləmir, təmir üçün usta göndərin", "repair", True),
        ("Kombi bozuldu, teknisyen gönderin", "repair", True),
        # something else changed: a tariff, an address
        ("Satış temsilcisi ben sormadan tarifemi değiştirmiş", "replacement", False),
        ("Kargomun adresini değiştirmem gerekebilir", "replacement", False),
        ("Kimsə hesabıma girib ünvanımı dəyişdirib", "replacement", False),
        # repair named, not asked: planned works, a phone handed in, a repair refused
        ("Sabah planlı təmir işlərinə görə su olmayacaq", "repair", False),
        ("Telefonu üçüncü dəfədir təmirə verirəm", "repair", False),
        ("Tamir falan istemiyorum", "repair", False),
    ],
)
def test_an_ask_is_read_where_it_is_asked_not_named(cue_finder, text, ask, asked):
    assert (ask in cues_of(cue_finder, text).asks) is asked


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for the quick reply, sadly the router is still not working",
        "İlginiz için teşekkürler, maalesef kargo hâlâ gelmedi",
        "Sağ olun, təəssüf ki, problem həll olunmayıb",
    ],
)
def test_regret_words_concede_the_praise_before_them(cue_finder, text):
    assert cues_of(cue_finder, text).conceded_praise


@pytest.mark.parametrize(
    ("text", "again", "repeat"),
    [
        ("Super, my parcel is lost again 👍", True, True),
        ("Kargom yine kayboldu", True, True),
        ("Bağlamam yenə itib", True, True),
        ("Üçüncü kez faturamdan fazla para çekilmiş", True, True),
        # a habit, not a repeat of this failure
        ("Every time I order the box is a bit dented, still love it", False, True),
        # "yine de" is "nevertheless": no repeat at all
        ("İki kere izledim ve büyülendim, yine de gizemi çözemedim", False, False),
        ("Biraz geç geldi ama gene de memnunum", False, False),
    ],
)
def test_again_is_a_failure_repeated_not_a_habit_or_nevertheless(cue_finder, text, again, repeat):
    cues = cues_of(cue_finder, text)
    assert cues.again is again, cues
    assert ("repeat_contact" in cues.signals) is repeat, cues.signals


def test_praise_for_a_repeat_is_sarcasm_only_in_a_short_post():
    from callbrief.nlp.decisions import PRAISE_IRONY_MAX_CHARS
    from callbrief.nlp.rules import Cues

    repeat = Cues(positive=1, failure=1, again=True)
    assert is_ironic(repeat, True, chars=60)  # "Super, my parcel is lost again 👍"
    # a long review: "yine aynı fiyata aldım ve hala kullanıyorum, güzel ..." is no sarcasm
    assert not is_ironic(repeat, True, chars=PRAISE_IRONY_MAX_CHARS + 1)
