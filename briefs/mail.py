"""E-mail the digest over SMTP: HTML with its charts, a plain-text part, and the charts attached."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from callbrief.briefs.digest import Digest, labels_for, render_digest
from callbrief.foundation.errors import ConfigError, DeliveryError
from callbrief.foundation.settings import Settings, is_loopback


def build_message(digest: Digest, settings: Settings) -> EmailMessage:
    """The digest as a multipart e-mail: text and HTML alternatives, charts as SVG attachments."""
    smtp = settings.digest.smtp
    t = labels_for(digest.language)
    msg = EmailMessage()
    msg["Subject"] = (
        f"{t['title']} {digest.day.isoformat()}: {digest.total_mentions} "
        f"{t['mentions'].lower()}, {digest.cases.get('overdue', 0)} {t['overdue_list'].lower()}"
    )
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(settings.digest.recipients)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2] or "localhost")
    msg.set_content(render_digest(digest, "txt"))
    # the HTML carries its charts inline; many mail clients drop inline SVG, so they also travel
    # as attachments a reader can open
    msg.add_alternative(render_digest(digest, "html"), subtype="html")
    for name, svg in digest.charts.items():
        msg.add_attachment(
            str(svg).encode("utf-8"),
            maintype="image",
            subtype="svg+xml",
            filename=f"{name}-{digest.day.isoformat()}.svg",
        )
    return msg


def send_digest(digest: Digest, settings: Settings) -> None:
    """Send the digest to `digest.recipients` through the configured SMTP server."""
    smtp = settings.digest.smtp
    if not settings.digest.recipients:
        raise ConfigError(
            "digest.recipients is empty. List the managers' addresses under digest.recipients "
            "in config.yaml, or write the digest to a file with --out instead of --email."
        )
    if smtp.user and not smtp.password:
        raise ConfigError(
            f"digest.smtp.user is {smtp.user!r} but no password was given. Set the environment "
            f"variable {smtp.password_env}."
        )
    clear = smtp.tls == "none" and not smtp.allow_plaintext_auth and not is_loopback(smtp.host)
    if smtp.user and clear:
        raise ConfigError(
            f"digest.smtp.tls is 'none', so the password of {smtp.user!r} would cross the "
            f"network to {smtp.host} in clear text. Set digest.smtp.tls to 'starttls' "
            "(port 587) or 'ssl' (port 465); for a relay on a network you trust, set "
            "digest.smtp.allow_plaintext_auth: true."
        )
    message = build_message(digest, settings)
    where = f"{smtp.host}:{smtp.port}"
    try:
        if smtp.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout_s, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
        with client:
            if smtp.tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"The SMTP server {where} refused the login of {smtp.user!r} ({exc.smtp_code}). "
            f"Check digest.smtp.user and the password in {smtp.password_env}."
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(
            f"The SMTP server {where} does not offer STARTTLS. Set digest.smtp.tls to 'ssl' "
            "(usually port 465) or 'none' for a trusted local relay."
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(
            f"The SMTP server {where} refused every recipient: {', '.join(exc.recipients)}. "
            "Check digest.recipients."
        ) from None
    except ssl.SSLError as exc:
        raise DeliveryError(
            f"TLS with the SMTP server {where} failed ({exc.reason}). Check digest.smtp.tls: "
            "'ssl' for implicit TLS (port 465), 'starttls' for port 587, 'none' for plain."
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            f"Could not send the digest through {where}: {exc}. Check digest.smtp.host and "
            "port, and that the server is reachable; the digest can still be written with --out."
        ) from None
    if refused:
        raise DeliveryError(
            f"The SMTP server {where} refused some recipients: {', '.join(refused)}. The others "
            "received the digest; check the refused addresses in digest.recipients."
        )
