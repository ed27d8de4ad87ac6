"""Test data for the storage layer: authors, customers, mentions and their analyses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callbrief.storage.models import Analysis, Author, Customer, Mention


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026 given in Istanbul wall time."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=3)


class World:
    """Builds authors, mentions and their analyses with as little ceremony as a test needs."""

    def __init__(self, session):
        self.s = session
        self.n = 0  # mentions added so far: numbers their platform ids and content hashes
        self.authors: dict[str, Author] = {}  # by handle, for `known`

    def author(self, handle, channel="x", followers=None, customer=None):
        a = Author(
            channel=channel,
            handle=handle,
            followers=followers,
            customer_id=customer.id if customer else None,
        )
        self.s.add(a)
        self.s.flush()
        return a

    def known(self, handle, channel="x", followers=None):
        """The author with this handle, added the first time it is asked for."""
        if handle not in self.authors:
            self.authors[handle] = self.author(handle, channel, followers)
        return self.authors[handle]

    def customer(self, name="Ayşe"):
        c = Customer(display_name=name)
        self.s.add(c)
        self.s.flush()
        return c

    def post(
        self,
        author,
        when,
        text="Kargom gelmedi",
        brand="Kargola",
        complaint=True,
        category="delivery",
        priority=0.5,
        sentiment="negative",
        grievance=(),
        channel=None,
        url=None,
    ):
        """A mention on the author's channel (unless `channel` says otherwise) and, unless
        `sentiment` is None, its analysis."""
        self.n += 1
        channel = channel or author.channel
        m = Mention(
            channel=channel,
            platform_id=str(self.n),
            brand=brand,
            author_id=author.id,
            text=text,
            created_at=when,
            content_hash=f"h{self.n}",
            source=channel,
            url=url,
        )
        self.s.add(m)
        self.s.flush()
        if sentiment is not None:
            self.s.add(
                Analysis(
                    mention_id=m.id,
                    model_version="t",
                    language="tr",
                    sentiment_label=sentiment,
                    sentiment_score=0.9,
                    complaint=complaint,
                    irony=False,
                    category=category,
                    priority=priority,
                    grievance=list(grievance),
                )
            )
            self.s.flush()
        return m
