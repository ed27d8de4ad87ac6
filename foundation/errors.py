"""Every error callbrief raises on purpose, in one tree.

    CallbriefError                 base: the CLI prints its message and exits 1, never a traceback
    ├── ConfigError                config.yaml or a flag is invalid (names the key and the fix)
    ├── StorageError               the database cannot be opened, migrated or written
    ├── ImportFileError            an import file is unreadable (bad lines are only reported)
    ├── NotFoundError              a mention, case or template that was asked for does not exist
    ├── SourceError                a platform or feed failed in a way the scan cannot recover from
    │   ├── AuthError              credentials missing or refused
    │   ├── RateLimitedError       the platform asked us to wait past the scan's deadline
    │   └── MalformedResponseError a page that is not what the platform documents
    ├── ModelError                 an NLP model or its weights cannot be loaded
    ├── RenderError                a brief or digest template failed to render
    ├── DeliveryError              the digest could not be e-mailed
    ├── LockedError                another scan or scheduler holds the lock
    └── BrokerError                the workers' message broker cannot be reached

Messages say what happened and what to do next.
"""

from __future__ import annotations


class CallbriefError(Exception):
    """Base of every error callbrief raises on purpose."""

    exit_code = 1


class ConfigError(CallbriefError):
    """The settings are invalid."""

    exit_code = 2


class StorageError(CallbriefError):
    """The database cannot be opened, migrated or written."""


class ImportFileError(CallbriefError):
    """An import file cannot be read at all."""


class NotFoundError(CallbriefError):
    """Something that was asked for by name or id does not exist."""


class SourceError(CallbriefError):
    """A platform or feed failed in a way the scan cannot recover from."""


class AuthError(SourceError):
    """Credentials are missing or were refused."""


class RateLimitedError(SourceError):
    """The platform asked us to wait longer than the scan may."""

    def __init__(self, message: str, reset_at: float | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class MalformedResponseError(SourceError):
    """A page is not in the format the platform documents."""


class ModelError(CallbriefError):
    """An NLP model or its weights cannot be loaded."""


class RenderError(CallbriefError):
    """A brief or digest template failed to render."""


class DeliveryError(CallbriefError):
    """The digest could not be delivered."""


class LockedError(CallbriefError):
    """Another process holds the lock this work needs."""


class BrokerError(CallbriefError):
    """The message broker (Redis or RabbitMQ) cannot be reached or refused us."""
