"""Load document templates from files: one function, autoescaped HTML, sandboxed user templates."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment

from callbrief.foundation.errors import NotFoundError

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=8)
def environment(user_dir: str | None = None) -> ImmutableSandboxedEnvironment:
    """A sandboxed environment: users may edit templates, so templates get no Python access.

    Templates in `user_dir` (if given) override the packaged ones of the same name. Autoescape is
    on for .html files; Markdown and text templates escape nothing, and post text in them is data,
    never template source, so `{{ 7*7 }}` in a tweet stays literal.
    """
    loaders = [FileSystemLoader(str(TEMPLATES))]
    if user_dir:
        loaders.insert(0, FileSystemLoader(user_dir))
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml", "svg")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["lower"] = lower
    return env


def lower(value: object, language: str | None = None) -> str:
    """Lower-case that respects Turkish and Azerbaijani dotted and dotless I.

    Python's "İ".lower() gives "i" plus a combining dot; in Turkish and Azerbaijani "I" lowers
    to "ı". Templates call `{{ label|lower }}` or `{{ label|lower("tr") }}`.
    """
    text = str(value)
    if language in ("tr", "az"):
        text = text.replace("I", "ı")
    return text.replace("İ", "i").lower()


def read_template(name: str, user_dir: str | None = None):  # type: ignore[no-untyped-def]
    """The template called `name` (e.g. "brief/en/brief.html"), or a clear NotFoundError."""
    env = environment(user_dir)
    try:
        return env.get_template(name)
    except TemplateNotFound:
        known = sorted(env.list_templates())
        raise NotFoundError(
            f"No template named {name!r}. Known templates: {', '.join(known) or 'none'}."
        ) from None
