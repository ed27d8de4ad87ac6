"""Load document templates from files: one function, autoescaped HTML, sandboxed user templates."""

from __future__ import annotations

import re
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
from markupsafe import Markup

from callbrief.foundation.errors import NotFoundError

TEMPLATES = Path(__file__).parent / "templates"

# Characters that change how text around them is shown without being seen: bidi embeddings,
# overrides and isolates (an RLO renders the rest of a sentence backwards), marks, zero-width
# spaces and joiners, word joiners, BOMs, other control characters. They are dropped from every
# rendered value; the stored post keeps them.
INVISIBLE = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"  # bidi controls and marks
    "\u200b\u200c\u2060-\u2064\ufeff\u180e\u00ad"  # zero-width, invisible operators, BOM
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"  # C0 (tab and newlines kept) and C1 controls
)
# a zero-width joiner is kept between two symbols (emoji sequences such as 👩‍💻), dropped elsewhere
LONE_JOINER = re.compile(
    "(?<![\u2600-\u27bf\U0001f000-\U0001faff\ufe0f])\u200d|\u200d(?![\u2600-\u27bf\U0001f000-\U0001faff])"
)


def visible(text: str) -> str:
    """`text` without bidi controls, zero-width and control characters (see INVISIBLE)."""
    if text.isascii() and text.isprintable():
        return text
    return LONE_JOINER.sub("", INVISIBLE.sub("", text))


def finalize(value: object) -> object:
    """Every value a template prints passes here: invisible characters go, markup stays markup."""
    if isinstance(value, Markup):
        return Markup(visible(str(value)))
    if isinstance(value, str):
        return visible(value)
    return value


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
        finalize=finalize,
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
