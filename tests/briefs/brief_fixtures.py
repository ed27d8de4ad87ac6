"""Fixture data for the brief tests: three cases (tr, az, en) inserted into a test database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from callbrief.foundation.settings import Brand, EscalationRole, OfferLimit, Settings
from callbrief.storage.models import Analysis, Author, Case, Customer, Mention, Outcome

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

LABELS = {
    "categories": {
        "delivery": {"tr": "Teslimat", "az": "Çatdırılma", "en": "Delivery"},
        "billing": {"tr": "Fatura", "az": "Hesab və ödəniş", "en": "Billing"},
        "outage": {"tr": "Kesinti", "az": "Xidmətdə kəsinti", "en": "Outage"},
        "product_defect": {"tr": "Kusurlu ürün", "az": "Məhsul qüsuru", "en": "Faulty product"},
        "unreachable": {"tr": "Ulaşılamama", "az": "Əlaqə qura bilməmək", "en": "Can't reach us"},
    },
    "asks": {
        "refund": {"tr": "Para iadesi", "az": "Pulun qaytarılması", "en": "Refund"},
        "manager": {"tr": "Yöneticiyle görüşme", "az": "Rəhbərlə danışmaq", "en": "A manager"},
        "compensation": {"tr": "Tazminat", "az": "Təzminat", "en": "Compensation"},
        "replacement": {"tr": "Değişim", "az": "Dəyişdirilmə", "en": "Replacement"},
        "repair": {"tr": "Onarım", "az": "Təmir", "en": "Repair"},
        "apology": {"tr": "Özür", "az": "Üzr", "en": "An apology"},
        "callback": {"tr": "Geri arama", "az": "Geri zəng", "en": "A call back"},
    },
    "signals": {
        "legal_threat": {"tr": "Hukuki süreç", "az": "Hüquqi addım", "en": "Legal threat"},
        "churn_threat": {"tr": "Ayrılma riski", "az": "Tərk etmə riski", "en": "Churn risk"},
        "manager_request": {
            "tr": "Yönetici talebi",
            "az": "Rəhbər tələbi",
            "en": "Manager request",
        },
        "repeat_contact": {"tr": "Tekrar başvuru", "az": "Təkrar müraciət", "en": "Repeat contact"},
        "irony": {"tr": "İroni", "az": "İroniya", "en": "Irony"},
        "safety_risk": {"tr": "Güvenlik riski", "az": "Təhlükəsizlik riski", "en": "Safety risk"},
    },
}


def fixed_labels(section: str, name: str, language: str) -> str:
    """Labels that do not change when the NLP taxonomy does, so goldens stay put."""
    return LABELS.get(section, {}).get(name, {}).get(language, name)


def brief_settings(base: Settings) -> Settings:
    """The fixture brands, offers and escalation contacts on top of `base`."""
    base.brands = [
        Brand(
            name="Kargola",
            language="tr",
            handles={"x": ["kargola", "kargoladestek"]},
            escalation_contact="Elif Şahin, destek müdürü (dahili 2214)",
            timezone="Europe/Istanbul",
            escalation=[
                EscalationRole(
                    role="vardiya amiri",
                    name="Elif Şahin",
                    phone="+90 212 555 22 14",
                    handles=["default", "approval", "manager", "legal"],
                )
            ],
        ),
        Brand(
            name="Ulduz Mobil",
            language="az",
            handles={"x": ["ulduzmobil"]},
            escalation_contact="Kamran Əliyev, növbə rəhbəri (+994 12 555 01 10)",
            timezone="Asia/Baku",
            branch="Nizami küçəsi 24, Bakı",
            escalation=[
                EscalationRole(
                    role="növbə rəhbəri",
                    name="Kamran Əliyev",
                    phone="+994 12 555 01 10",
                    handles=["default", "approval", "manager"],
                ),
                EscalationRole(
                    role="təhlükəsizlik komandası",
                    name="Səbinə Quliyeva",
                    phone="+994 12 555 01 99",
                    handles=["safety"],
                ),
            ],
        ),
        Brand(
            name="Brightwave",
            language="en",
            handles={"x": ["brightwave", "brightwavehelp"]},
            escalation_contact="Priya Shah, care team lead (ext. 4410)",
            timezone="Europe/London",
        ),
    ]
    base.offers = {
        "Kargola": {
            "delivery": OfferLimit(
                max_credit=250,
                currency="TRY",
                may_offer=["refund", "compensation"],
                needs_approval=["replacement"],
                approver="vardiya amiri",
            )
        },
        "Ulduz Mobil": {
            "default": OfferLimit(
                max_credit=30, currency="AZN", may_offer=["refund"], approver="növbə rəhbəri"
            )
        },
        "Brightwave": {
            "outage": OfferLimit(
                max_credit=40,
                currency="GBP",
                may_offer=["refund", "compensation"],
                needs_approval=["replacement"],
                approver="the care team lead",
            )
        },
    }
    return base


def _mention(
    session: Session,
    author: Author,
    platform_id: str,
    brand: str,
    text: str,
    created_at: datetime,
    **extra: object,
) -> Mention:
    mention = Mention(
        channel=author.channel,
        platform_id=platform_id,
        brand=brand,
        author_id=author.id,
        text=text,
        created_at=created_at,
        content_hash=f"hash-{author.channel}-{platform_id}",
        source="fixture",
        **extra,
    )
    session.add(mention)
    session.flush()
    return mention


def _analysis(session: Session, mention: Mention, language: str, **fields: object) -> Analysis:
    values: dict = dict(
        model_version="nlp-test-1",
        language=language,
        sentiment_label="negative",
        sentiment_score=0.9,
        complaint=True,
        irony=False,
        priority=0.5,
    )
    values.update(fields)
    analysis = Analysis(mention_id=mention.id, **values)
    session.add(analysis)
    session.flush()
    return analysis


def insert_tr_case(session: Session) -> Case:
    """An ironic Turkish delivery complaint with a t.co link and a legal threat."""
    author = Author(channel="x", handle="mehmet_k", name="Mehmet Kaya", followers=320)
    session.add(author)
    session.flush()
    case = Case(
        brand="Kargola",
        author_id=author.id,
        category="delivery",
        status="open",
        priority=0.74,
        opened_at=NOW - timedelta(hours=3),
        last_mention_at=NOW - timedelta(hours=3),
        due_at=NOW + timedelta(hours=1),
    )
    session.add(case)
    session.flush()
    post = _mention(
        session,
        author,
        "1861000000000000001",
        "Kargola",
        "Harika hizmet @kargola, 3 haftadır kargo bekliyorum 👏 Takip no KG48213377. "
        "Paramı iade edin, yoksa tüketici hakem heyetine başvuracağım! https://t.co/Kg1",
        NOW - timedelta(hours=3),
        lang="tr",
        case_id=case.id,
        url="https://x.com/mehmet_k/status/1861000000000000001",
        links=["https://kargola.example/takip?no=KG48213377&dil=tr"],
        raw={
            "entities": {
                "urls": [
                    {
                        "url": "https://t.co/Kg1",
                        "expanded_url": "https://kargola.example/takip?no=KG48213377&dil=tr",
                    }
                ]
            }
        },
    )
    _analysis(
        session,
        post,
        "tr",
        irony=True,
        category="delivery",
        asks=["refund"],
        signals=["irony", "legal_threat"],
        priority=0.74,
        entities=[{"type": "tracking_number", "text": "KG48213377"}],
        grievance=[
            "3 haftadır kargo bekliyorum 👏 Takip no KG48213377.",
            "Paramı iade edin, yoksa tüketici hakem heyetine başvuracağım!",
        ],
    )
    return case


def insert_az_case(session: Session) -> Case:
    """An Azerbaijani double-billing complaint from a customer with a phone on file."""
    customer = Customer(display_name="Leyla Məmmədova", phone="+994 50 123 45 67")
    session.add(customer)
    session.flush()
    author = Author(
        channel="x", handle="leyla_m", name="Leyla M.", followers=1450, customer_id=customer.id
    )
    session.add(author)
    session.flush()
    case = Case(
        brand="Ulduz Mobil",
        author_id=author.id,
        customer_id=customer.id,
        category="billing",
        status="assigned",
        agent="Rauf",
        priority=0.55,
        opened_at=NOW - timedelta(hours=26),
        last_mention_at=NOW - timedelta(hours=26),
        due_at=NOW - timedelta(hours=2),
    )
    session.add(case)
    session.flush()
    post = _mention(
        session,
        author,
        "1861000000000000002",
        "Ulduz Mobil",
        "@ulduzmobil bu ay hesabımdan iki dəfə 15 AZN çıxılıb. Pulumu geri qaytarın, "
        "kupon lazım deyil.",
        NOW - timedelta(hours=26),
        lang="az",
        case_id=case.id,
        url="https://x.com/leyla_m/status/1861000000000000002",
    )
    _analysis(
        session,
        post,
        "az",
        category="billing",
        asks=["refund"],
        priority=0.55,
        sentiment_score=0.81,
        entities=[{"type": "amount", "text": "15 AZN"}],
        grievance=["@ulduzmobil bu ay hesabımdan iki dəfə 15 AZN çıxılıb."],
    )
    return case


def insert_en_repeat_case(session: Session) -> Case:
    """A repeat complainer: an earlier case on X with a broken promise, now on Reddit and X."""
    customer = Customer(display_name="Dana Whitfield", phone="+44 7700 900123")
    session.add(customer)
    session.flush()
    on_x = Author(
        channel="x", handle="danaw", name="Dana W", followers=2400, customer_id=customer.id
    )
    on_reddit = Author(channel="reddit", handle="dana_w", karma=1800, customer_id=customer.id)
    session.add_all([on_x, on_reddit])
    session.flush()
    earlier = Case(
        brand="Brightwave",
        author_id=on_x.id,
        customer_id=customer.id,
        category="outage",
        status="resolved",
        priority=0.4,
        opened_at=NOW - timedelta(days=6),
        last_mention_at=NOW - timedelta(days=6),
        due_at=NOW - timedelta(days=6) + timedelta(hours=4),
        first_contact_at=NOW - timedelta(days=6) + timedelta(hours=2),
        closed_at=NOW - timedelta(days=4),
    )
    session.add(earlier)
    session.flush()
    first = _mention(
        session,
        on_x,
        "1860000000000000900",
        "Brightwave",
        "@brightwavehelp internet down again since this morning. Third outage this month.",
        NOW - timedelta(days=6),
        lang="en",
        case_id=earlier.id,
        url="https://x.com/danaw/status/1860000000000000900",
    )
    _analysis(
        session,
        first,
        "en",
        category="outage",
        priority=0.4,
        grievance=["internet down again since this morning."],
    )
    session.add(
        Outcome(
            case_id=earlier.id,
            result="reached",
            agent="Tom",
            note="Line fault confirmed.",
            promise="An engineer will call you by Friday to book a visit.",
            follow_up_at=NOW - timedelta(days=2),
            created_at=NOW - timedelta(days=6) + timedelta(hours=2),
        )
    )
    case = Case(
        brand="Brightwave",
        author_id=on_reddit.id,
        customer_id=customer.id,
        category="outage",
        status="open",
        priority=0.86,
        opened_at=NOW - timedelta(hours=20),
        last_mention_at=NOW - timedelta(hours=2),
        due_at=NOW - timedelta(hours=16),
    )
    session.add(case)
    session.flush()
    thread = _mention(
        session,
        on_reddit,
        "t3_1abc9z",
        "Brightwave",
        "Six days without a working connection. They promised an engineer would call by Friday "
        "and nobody did.\n\nSpeed test: https://www.speedtest.net/result/1234567 and my "
        "ticket is BW-778812. <b>Not</b> paying for this month.",
        NOW - timedelta(hours=20),
        lang="en",
        case_id=case.id,
        title="Brightwave outage, day 6",
        url="https://www.reddit.com/r/brightwave/comments/1abc9z/brightwave_outage_day_6/",
        links=["https://www.speedtest.net/result/1234567"],
    )
    _analysis(
        session,
        thread,
        "en",
        category="outage",
        asks=["refund"],
        signals=["repeat_contact"],
        priority=0.8,
        sentiment_score=0.95,
        entities=[{"type": "ticket", "text": "BW-778812"}],
        grievance=[
            "Six days without a working connection.",
            "They promised an engineer would call by Friday and nobody did.",
        ],
    )
    reply = _mention(
        session,
        on_x,
        "1861000000000000003",
        "Brightwave",
        "@brightwavehelp I've explained this three times now. Put me through to a manager or "
        "I'm switching providers. https://t.co/Bw3",
        NOW - timedelta(hours=2),
        lang="en",
        case_id=case.id,
        in_reply_to="1861000000000000000",
        parent_text="@danaw Sorry to hear that! Have you tried restarting your router? 😊",
        url="https://x.com/danaw/status/1861000000000000003",
        links=["https://www.reddit.com/r/brightwave/comments/1abc9z/"],
    )
    _analysis(
        session,
        reply,
        "en",
        category="outage",
        asks=["manager"],
        signals=["churn_threat", "manager_request", "repeat_contact"],
        priority=0.86,
        sentiment_score=0.97,
        grievance=["I've explained this three times now."],
    )
    return case


def insert_tr_over_limit_case(session: Session) -> Case:
    """A lost parcel worth 850 TL against a 250 TRY limit, from a man the brand named."""
    author = Author(channel="x", handle="murat_kaya", name="Murat Kaya", followers=640)
    session.add(author)
    session.flush()
    case = Case(
        brand="Kargola",
        author_id=author.id,
        category="delivery",
        priority=0.6,
        opened_at=NOW - timedelta(hours=27),
        last_mention_at=NOW - timedelta(hours=27),
        due_at=NOW - timedelta(hours=23),
    )
    session.add(case)
    session.flush()
    post = _mention(
        session,
        author,
        "1861000000000000011",
        "Kargola",
        "Kargola kayıp paket için iade yapmıyormuş, 'sigortasız gönderi' diyorlar. "
        "850₺'lik ürünüm gitti. Paramı geri istiyorum.",
        NOW - timedelta(hours=27),
        lang="tr",
        case_id=case.id,
        url="https://x.com/murat_kaya/status/1861000000000000011",
    )
    _analysis(
        session,
        post,
        "tr",
        category="delivery",
        asks=["refund"],
        priority=0.6,
        entities=[{"type": "amount", "text": "850₺"}],
        grievance=["850₺'lik ürünüm gitti.", "Paramı geri istiyorum."],
    )
    return case


def insert_az_safety_case(session: Session) -> Case:
    """A sparking adapter in a child's room; the same person also waited on the line."""
    author = Author(channel="x", handle="nigar_a", name="Nigar Əliyeva", followers=330)
    session.add(author)
    session.flush()
    cases = []
    for offset, pid, text, category, signals in (
        (
            30,
            "1861000000000000021",
            "Ulduz Mobil mağazasından aldığım adapter qığılcım saçdı, az qala yanğın olacaqdı! "
            "Uşaq otağında idi 😡",
            "product_defect",
            ["safety_risk"],
        ),
        (5, "1861000000000000022", "3 saatdır xətdə gözləyirəm", "unreachable", []),
    ):
        case = Case(
            brand="Ulduz Mobil",
            author_id=author.id,
            category=category,
            priority=0.92 if signals else 0.5,
            opened_at=NOW - timedelta(hours=offset),
            last_mention_at=NOW - timedelta(hours=offset),
            due_at=NOW - timedelta(hours=offset - 4),
        )
        session.add(case)
        session.flush()
        post = _mention(
            session,
            author,
            pid,
            "Ulduz Mobil",
            text,
            NOW - timedelta(hours=offset),
            lang="az",
            case_id=case.id,
            url=f"https://x.com/nigar_a/status/{pid}",
        )
        _analysis(
            session, post, "az", category=category, signals=signals, grievance=[text.split("!")[0]]
        )
        cases.append(case)
    return cases[0]


def insert_en_unreachable_case(session: Session) -> Case:
    """A refund asked in dollars against a pound limit, phoned twice without an answer."""
    customer = Customer(
        display_name="Mike O'Neill", phone="+1 512 555 0147", email="mike@example.com"
    )
    session.add(customer)
    session.flush()
    author = Author(
        channel="x", handle="mike_o", name="Mike O'Neill", followers=1630, customer_id=customer.id
    )
    session.add(author)
    session.flush()
    case = Case(
        brand="Brightwave",
        author_id=author.id,
        customer_id=customer.id,
        category="outage",
        status="unreachable",
        agent="olivia",
        priority=0.74,
        opened_at=NOW - timedelta(hours=50),
        last_mention_at=NOW - timedelta(hours=50),
        due_at=NOW - timedelta(hours=46),
        first_contact_at=NOW - timedelta(hours=6),
    )
    session.add(case)
    session.flush()
    post = _mention(
        session,
        author,
        "1861000000000000031",
        "Brightwave",
        "Brightwave refused my refund for 9 days without service. $120 down the drain.",
        NOW - timedelta(hours=50),
        lang="en",
        case_id=case.id,
        url="http://127.0.0.1:8123/mike_o/status/1861000000000000031",
    )
    _analysis(
        session,
        post,
        "en",
        category="outage",
        asks=["refund"],
        priority=0.74,
        entities=[{"type": "amount", "text": "$120"}],
        grievance=["Brightwave refused my refund for 9 days without service."],
    )
    for hours in (6, 3):
        session.add(
            Outcome(
                case_id=case.id,
                result="unreachable",
                agent="olivia",
                note="No answer.",
                created_at=NOW - timedelta(hours=hours),
            )
        )
    session.flush()
    return case


def insert_situations(session: Session) -> dict[str, Case]:
    """The cases behind the situation goldens: over the limit, safety, channel switch."""
    return {
        "tr-over-limit": insert_tr_over_limit_case(session),
        "az-safety": insert_az_safety_case(session),
        "en-channel-switch": insert_en_unreachable_case(session),
    }


def insert_all(session: Session) -> dict[str, Case]:
    """All three fixture cases, by language."""
    return {
        "tr": insert_tr_case(session),
        "az": insert_az_case(session),
        "en": insert_en_repeat_case(session),
    }
