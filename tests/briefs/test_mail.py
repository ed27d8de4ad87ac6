"""E-mailing the digest to a real SMTP server (aiosmtpd) listening on loopback."""

import socket
from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from callbrief.briefs.digest import build_digest
from callbrief.briefs.mail import send_digest
from callbrief.foundation.errors import ConfigError, DeliveryError
from callbrief.storage.db import session_scope

NOW = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        # handled=False: let aiosmtpd answer 535 itself rather than stay silent
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)

    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    yield controller, inbox, logins
    controller.stop()


@pytest.fixture
def digest(engine, settings):
    with session_scope(engine) as s:
        return build_digest(s, settings, date(2026, 11, 24), now=NOW)


def point_at(settings, controller, **smtp):
    settings.digest.recipients = ["manager@example.com", "lead@example.com"]
    settings.digest.smtp.host = controller.hostname
    settings.digest.smtp.port = controller.port
    settings.digest.smtp.sender = "callbrief@example.com"
    settings.digest.smtp.timeout_s = 5
    for key, value in smtp.items():
        setattr(settings.digest.smtp, key, value)


def test_digest_arrives_with_html_text_and_charts(smtp_server, digest, settings):
    controller, inbox, _ = smtp_server
    point_at(settings, controller)
    send_digest(digest, settings)
    ((rcpts, raw),) = inbox.messages
    assert rcpts == ["manager@example.com", "lead@example.com"]
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"].startswith("Daily digest 2026-11-24")
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Silence is not satisfaction" in text and "<svg" not in text
    assert html.count("<svg") == 2 and "Mentions per day" in html
    charts = {p.get_filename(): p.get_content_type() for p in msg.iter_attachments()}
    assert charts == {
        "volume-2026-11-24.svg": "image/svg+xml",
        "sentiment-2026-11-24.svg": "image/svg+xml",
    }


def test_login_uses_the_password_from_settings(smtp_server, digest, settings):
    controller, inbox, logins = smtp_server
    point_at(settings, controller, user="digest-bot", password="s3cret")
    send_digest(digest, settings)
    assert logins == [(b"digest-bot", b"s3cret")] and len(inbox.messages) == 1


def test_refused_login_names_the_variable_never_the_password(smtp_server, digest, settings):
    controller, inbox, _ = smtp_server
    point_at(settings, controller, user="digest-bot", password="wrong-pass")
    with pytest.raises(DeliveryError) as err:
        send_digest(digest, settings)
    assert "refused the login of 'digest-bot'" in str(err.value)
    assert "CALLBRIEF_SMTP_PASSWORD" in str(err.value) and "wrong-pass" not in str(err.value)
    assert inbox.messages == []


def test_tls_mismatch_and_dead_server_are_delivery_errors(smtp_server, digest, settings):
    controller, _, _ = smtp_server
    point_at(settings, controller, tls="ssl", timeout_s=5)
    with pytest.raises(DeliveryError, match="Check digest.smtp.tls"):
        send_digest(digest, settings)
    point_at(settings, controller, tls="starttls", timeout_s=5)
    with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
        send_digest(digest, settings)
    point_at(settings, controller, tls="none", port=free_port(), timeout_s=5)
    with pytest.raises(DeliveryError, match=r"Could not send the digest through 127.0.0.1:\d+"):
        send_digest(digest, settings)


def test_missing_recipients_or_password_are_config_errors(digest, settings):
    with pytest.raises(ConfigError, match="digest.recipients is empty"):
        send_digest(digest, settings)
    settings.digest.recipients = ["m@example.com"]
    settings.digest.smtp.user = "bot"
    with pytest.raises(ConfigError, match="Set the environment variable CALLBRIEF_SMTP_PASSWORD"):
        send_digest(digest, settings)


def lan_address() -> str | None:
    """This machine's address on its network (not loopback), or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 9))  # no packet is sent: this only picks the interface
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


@pytest.fixture
def lan_smtp_server():
    """A real SMTP server with AUTH on the network address, so traffic to it is not loopback."""
    address = lan_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to serve SMTP on")
    inbox, logins = Inbox(), []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True, handled=False)

    with socket.socket() as s:
        s.bind((address, 0))
        port = s.getsockname()[1]
    controller = Controller(
        inbox, hostname=address, port=port, authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    yield controller, inbox, logins
    controller.stop()


def test_no_password_in_clear_text_to_a_server_off_this_machine(lan_smtp_server, digest, settings):
    controller, inbox, logins = lan_smtp_server
    point_at(settings, controller, user="digest-bot", password="s3cret", tls="none")
    with pytest.raises(ConfigError, match="in clear text") as err:
        send_digest(digest, settings)
    assert "allow_plaintext_auth" in str(err.value) and "s3cret" not in str(err.value)
    assert logins == [] and inbox.messages == []
    # the operator's explicit choice for a trusted relay
    settings.digest.smtp.allow_plaintext_auth = True
    send_digest(digest, settings)
    assert logins == [(b"digest-bot", b"s3cret")] and len(inbox.messages) == 1


def test_a_relay_without_login_needs_no_tls(lan_smtp_server, digest, settings):
    controller, inbox, logins = lan_smtp_server
    point_at(settings, controller, tls="none")
    send_digest(digest, settings)
    assert logins == [] and len(inbox.messages) == 1
