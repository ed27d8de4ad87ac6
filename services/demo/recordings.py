"""The embedded demo's brands and the replay of its recordings through the real pollers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from callbrief.foundation.progress import Progress
from callbrief.foundation.settings import Brand, EscalationRole, Settings
from callbrief.monitor.pacing import Deadline, PacedSession
from callbrief.services.demo.replay import ReplayServer, load_recording
from callbrief.services.scan import ScanClients, ScanReport, run_scan
from callbrief.storage.customers import link_handles
from callbrief.storage.db import session_scope

RECORDINGS = Path(__file__).parent / "data"
END = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)  # the newest post; the demo's "now" follows it
FEED_HOST = "https://haber.example"
# placeholders: the replay server checks nothing, and no real secret ever enters the demo
DEMO_SECRETS = {"bearer": "demo-bearer-token", "id": "demo-client-id", "secret": "demo-secret"}


def demo_brands() -> list[Brand]:
    """The three fictional brands the recordings are about."""
    return [
        Brand(
            name="Kargola",
            language="tr",
            handles={"x": ["kargola", "kargoladestek"], "reddit": ["kargola_destek"]},
            keywords=["kargola"],
            feeds=[f"{FEED_HOST}/feeds/kargola.atom"],
            escalation_contact="operasyon@kargola.example",
            timezone="Europe/Istanbul",
            branch="Kadıköy (Moda Cad. 12)",
            escalation=[
                EscalationRole(
                    role="operasyon müdürü",
                    name="Elif Şahin",
                    phone="+90 212 555 01 42",
                    email="elif.sahin@kargola.example",
                    handles=["approval", "manager", "legal"],
                ),
                EscalationRole(
                    role="vardiya amiri",
                    name="Caner Aydın",
                    phone="+90 212 555 01 10",
                    handles=["default", "approval"],
                ),
                EscalationRole(
                    role="ürün güvenliği ekibi",
                    phone="+90 212 555 01 99",
                    queue="guvenlik",
                    handles=["safety"],
                ),
            ],
        ),
        Brand(
            name="Ulduz Mobil",
            language="az",
            handles={"x": ["ulduzmobil"]},
            keywords=["ulduz mobil", "ulduzmobil"],
            escalation_contact="shikayet@ulduzmobil.example",
            timezone="Asia/Baku",
            branch="Nizami küçəsi 24, Bakı",
            escalation=[
                EscalationRole(
                    role="növbə rəhbəri",
                    name="Kamran Əliyev",
                    phone="+994 12 555 01 20",
                    handles=["default", "approval", "manager", "legal"],
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
            handles={"x": ["brightwave", "brightwavehelp"], "reddit": ["brightwave_support"]},
            keywords=["brightwave"],
            subreddits=["brightwave", "HomeNetworking"],
            escalation_contact="escalations@brightwave.example",
            timezone="Europe/London",
            escalation=[
                EscalationRole(
                    role="duty manager",
                    name="Priya Shah",
                    phone="+44 20 5550 0130",
                    email="escalations@brightwave.example",
                    handles=["default", "approval", "manager", "legal"],
                ),
                EscalationRole(
                    role="product safety team",
                    name="Owen Price",
                    phone="+44 20 5550 0199",
                    handles=["safety"],
                ),
            ],
        ),
    ]


def demo_customers() -> list[dict[str, Any]]:
    """People the demo's CRM knows on more than one channel (repeat complainers)."""
    return [
        {
            "name": "Emre Tan",
            "phone": "+90 532 418 27 73",
            "handles": [("x", "emre_tan"), ("reddit", "emretan_")],
        },
        {
            "name": "Tom Harris",
            "phone": "+44 113 496 0718",
            "email": "tom.harris@example.com",
            "handles": [("x", "tom_h_dev"), ("reddit", "leeds_dev")],
        },
        {  # phoned twice without an answer in the agent log: the brief switches to e-mail
            "name": "Mike O'Neill",
            "phone": "+1 512 555 0147",
            "email": "mike.oneill@example.com",
            "handles": [("x", "mike_o")],
        },
    ]


def demo_scan_settings(settings: Settings, server_url: str) -> Settings:
    """`settings` with the demo brands and every source pointed at the replay server."""
    demo = settings.model_copy(deep=True)
    demo.brands = demo_brands()
    x, reddit, rss = demo.sources.x, demo.sources.reddit, demo.sources.rss
    x.enabled, x.base_url, x.bearer_token = True, server_url, DEMO_SECRETS["bearer"]
    x.backfill_hours = 24 * 7
    reddit.enabled, reddit.oauth_url, reddit.reddit_url = True, server_url, server_url
    reddit.client_id, reddit.client_secret = DEMO_SECRETS["id"], DEMO_SECRETS["secret"]
    reddit.comment_subreddits = ["brightwave", "HomeNetworking"]
    reddit.backfill_hours = 24 * 10  # the recordings span eight days
    rss.enabled = True
    return demo


def replay_demo(
    settings: Settings, engine: Engine, *, progress: Progress | None = None
) -> ScanReport:
    """Scan the bundled recordings offline, through tweepy, praw and feedparser, and link people."""
    interactions = [
        item
        for name in ("x", "reddit", "rss")
        for item in load_recording(RECORDINGS / f"{name}.json")
    ]
    with ReplayServer(interactions) as server:
        demo = demo_scan_settings(settings, server.url)
        feeds = PacedSession(timeout=10, deadline=Deadline(60), rebase=(FEED_HOST, server.url))
        report = run_scan(
            demo,
            engine,
            clients=ScanClients(http=feeds),
            progress=progress,
            now=END + timedelta(hours=2),
        )
        report.notes += [f"no recording for {request}" for request in server.unmatched]
    with session_scope(engine) as session:
        for person in demo_customers():
            link_handles(
                session,
                person["handles"],
                name=person["name"],
                phone=person.get("phone"),
                email=person.get("email"),
            )
    return report
