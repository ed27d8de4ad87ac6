"""Render a dossier through the brief templates: HTML autoescaped, Markdown defused."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jinja2 import TemplateError, TemplateNotFound, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from callbrief.briefs.templating import environment, read_template, visible
from callbrief.foundation.errors import ConfigError, RenderError
from callbrief.foundation.settings import LANGUAGES

FORMATS = ("md", "html")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# what a Markdown renderer would act on in post text: raw HTML, entities, emphasis, links, code
MD_SPECIAL = re.compile(r"([\\`*_\[\]~])")
UNITS = {
    "en": ("d", "h", "min"),
    "tr": ("gün", "sa", "dk"),
    "az": ("gün", "saat", "dəq"),
}
# validated http(s) URLs (escaping would break the link target) and our own codes, which the
# templates look labels up by: never text from a post
SAFE_KEYS = {"href", "reason", "how", "result", "status", "state", "type", "channel", "sentiment"}
MULTILINE_KEYS = {"segments", "parent", "quoted"}  # post text, quoted line by line
# every line ending CommonMark knows (\r alone included), and the Unicode ones editors show
LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")
# what starts a block at a line start: ATX heading, list item, setext underline or rule, table
LINE_START = re.compile(
    r"(?m)^([ \t]*)(#{1,6}(?=\s|$)|[-+](?=\s|$)|[-=]+[ \t]*$|\||\d{1,9}[.)](?=\s|$))"
)


def md_escape(text: str, multiline: bool = False) -> str:
    """Text that a chat tool's Markdown shows literally: no tags, links, emphasis or structure.

    A value can only start a block where the template puts it at a line start, so a line-leading
    heading, list, table or rule marker is escaped too. Line breaks become spaces, except in post
    text (`multiline`), whose lines the template quotes one by one.
    """
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = MD_SPECIAL.sub(r"\\\1", text)
    text = LINE_BREAK.sub("\n" if multiline else " ", text)
    return LINE_START.sub(_escape_marker, text)


def _escape_marker(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():  # "1." -> "1\."
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"


def md_defuse(value: Any, key: str | None = None, multiline: bool = False) -> Any:
    """A copy of a dossier with every string Markdown-escaped (URLs kept as they are)."""
    if isinstance(value, str):
        return value if key in SAFE_KEYS else md_escape(value, multiline)
    if isinstance(value, Mapping):
        return {k: md_defuse(v, k, multiline or k in MULTILINE_KEYS) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [md_defuse(v, key, multiline) for v in value]
    return value


@pass_eval_context
def fill(eval_ctx: EvalContext, template: str, **values: Any) -> str | Markup:
    """Put values into a sentence's {name} slots in one pass, so values are never re-read.

    In HTML the sentence and every value are escaped here (markup from a macro is kept), so the
    result is marked safe; elsewhere plain text goes in and out.
    """
    if eval_ctx.autoescape:
        safe = {k: escape(v) for k, v in values.items()}
        filled = PLACEHOLDER.sub(
            lambda m: str(safe.get(m.group(1), m.group(0))), str(escape(template))
        )
        return Markup(filled)
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), str(template))


def duration(minutes: int | None, language: str = "en") -> str:
    """A span like "2 d 3 h" or "45 min" in the brief's language."""
    if minutes is None:
        return "?"
    day, hour, minute = UNITS.get(language, UNITS["en"])
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} {day} {hours} {hour}" if hours else f"{days} {day}"
    if hours:
        return f"{hours} {hour} {mins} {minute}" if mins else f"{hours} {hour}"
    return f"{mins} {minute}"


def plural(n: int, forms: Any) -> str:
    """Pick "{n} time" or "{n} times" from a [one, many] pair (or use a single form)."""
    form = forms if isinstance(forms, str) else forms[0] if n == 1 else forms[-1]
    return str(form).replace("{n}", str(n))


def blockquote(text: str) -> str:
    """Prefix every line with "> " so a multi-line post stays inside its Markdown quote."""
    return "\n".join("> " + line if line else ">" for line in str(text).split("\n"))


def money(amount: float) -> str:
    """An amount without needless decimals: 250, 12.50."""
    return f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"


def _env(user_dir: str | None) -> ImmutableSandboxedEnvironment:
    env = environment(user_dir)
    # registered on the shared environment: plain functions, no access to anything but their args
    env.filters.update(
        fill=fill, duration=duration, plural=plural, blockquote=blockquote, money=money
    )
    return env


def template_name(language: str, fmt: str) -> str:
    """The template path for a language and format, after checking both."""
    if fmt not in FORMATS:
        raise ConfigError(f"Unknown brief format {fmt!r}. Use one of: {', '.join(FORMATS)}.")
    if language not in LANGUAGES:
        raise ConfigError(
            f"No brief templates for language {language!r}. Set agent_language (or the brand's "
            f"language) in config.yaml to one of: {', '.join(LANGUAGES)}."
        )
    return f"brief/{language}/brief.{fmt}"


def render_dossier(dossier: Mapping[str, Any], fmt: str, *, user_dir: str | None = None) -> str:
    """The brief for one dossier in `fmt` ("md" or "html"), in the dossier's agent language."""
    name = template_name(str(dossier["language"]), fmt)
    _env(user_dir)
    template = read_template(name, user_dir)
    data = md_defuse(dossier) if fmt == "md" else dossier
    try:
        return template.render(b=data)
    except TemplateNotFound as exc:
        raise RenderError(
            f"Template {name} uses {exc.name}, which does not exist. Restore it, or remove your "
            "edited copy to use the packaged templates."
        ) from None
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f" at line {line}" if line else ""
        raise RenderError(
            f"Template {name} failed{where}: {exc}. If you edited it, fix that line or remove "
            "your copy to use the packaged template."
        ) from None
