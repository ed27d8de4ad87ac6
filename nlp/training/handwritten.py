"""Hand-written customer posts that fill gaps in the public data (short tr/az, polite ones).

The public sets have no Azerbaijani complaints and only long-form Turkish ones (Şikayetvar), so
these are added to the training split only; they are never used to report scores.
"""

from __future__ import annotations

from callbrief.nlp.training.data import Example

# (language, text, sentiment, complaint)
POSTS: list[tuple[str, str, str, bool]] = [
    ("tr", "Siparişim 10 gündür kargoda, kimse bilgi vermiyor", "negative", True),
    ("tr", "İnternetim sabahtan beri yok, ne zaman düzelecek?", "negative", True),
    ("tr", "Kartımdan iki kere çekim yapılmış, iadesini bekliyorum", "negative", True),
    ("tr", "Müşteri hizmetlerini 40 dakikadır bekliyorum, rezalet", "negative", True),
    ("tr", "Aldığım telefon kutudan kırık çıktı, değişim istiyorum", "negative", True),
    (
        "tr",
        "Merhaba, faturama bilgim dışında paket eklenmiş, yardımcı olur musunuz?",
        "neutral",
        True,
    ),
    ("tr", "Uygulama yine açılmıyor, işlem yapamıyorum", "negative", True),
    ("tr", "Hattımı iptal ettirmek istiyorum ama kimse ulaşılamıyor", "negative", True),
    ("tr", "Teşekkürler, sorunum hemen çözüldü", "positive", False),
    ("tr", "Yeni kampanyanız ne zaman başlıyor?", "neutral", False),
    ("tr", "Kargo bugün elime ulaştı, çok hızlıydı", "positive", False),
    ("tr", "Mağazadaki çalışan arkadaş çok ilgiliydi, teşekkürler", "positive", False),
    ("az", "Sifarişim iki həftədir gəlmir, pulumu qaytarın", "negative", True),
    ("az", "Səhərdən internet yoxdur, heç kim zəngə cavab vermir", "negative", True),
    ("az", "Kartımdan iki dəfə pul çıxılıb, geri qaytarın", "negative", True),
    ("az", "Aldığım telefon xarab çıxdı, dəyişdirmək istəyirəm", "negative", True),
    ("az", "Operator çox kobud danışdı, belə xidmət olmaz", "negative", True),
    ("az", "Tətbiq yenə açılmır, ödəniş edə bilmirəm", "negative", True),
    ("az", "Salam, fakturamda artıq məbləğ var, zəhmət olmasa yoxlayın", "neutral", True),
    ("az", "Kuryer bağlamanı yanlış ünvana aparıb", "negative", True),
    ("az", "Hesabım səbəbsiz bloklanıb, kömək edin", "negative", True),
    ("az", "Təşəkkür edirəm, problemim tez həll olundu", "positive", False),
    ("az", "Yeni tarifləriniz haqqında məlumat verə bilərsiniz?", "neutral", False),
    ("az", "Bağlama vaxtında gəldi, çox sağ olun", "positive", False),
    ("az", "Filialdakı işçilər çox mehriban idi", "positive", False),
    (
        "en",
        "Hi, my order still hasn't shipped after 9 days, could you check please?",
        "neutral",
        True,
    ),
    (
        "en",
        "Would appreciate a refund for the duplicate charge on my card, thanks",
        "neutral",
        True,
    ),
    ("en", "When does the new store open?", "neutral", False),
    ("en", "Package arrived early, great job!", "positive", False),
]


def examples() -> list[Example]:
    """The posts as training examples."""
    return [
        Example("handwritten", lang, text, "train", sentiment=sentiment, complaint=complaint)
        for lang, text, sentiment, complaint in POSTS
    ]
