"""The workspace's pages: autoescaped jinja2 templates and the interface's words."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from callbrief.briefs.templating import finalize
from callbrief.foundation.settings import LANGUAGES

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The workspace's own page templates, autoescaped. Users do not edit these (the brief and
    digest they embed come from the briefs package's sandbox), so they skip the sandbox's
    per-attribute checks, which cost half of a 100-row queue page."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # names and post text shown in the queue: no bidi controls or zero-width characters
        finalize=finalize,
    )
    env.filters["when"] = when
    env.filters["fill"] = lambda template, **values: str(template).format(**values)
    return env


@pass_context
def when(ctx: Any, moment: datetime | None) -> str:
    """A stored (UTC) moment as the team's wall-clock time, e.g. "2026-11-24 10:00"."""
    if moment is None:
        return "-"
    zone = ctx.get("zone") or "UTC"
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


@lru_cache(maxsize=4)
def labels(language: str) -> dict[str, Any]:
    """The interface's words in `language`, English filling any gap."""
    data = yaml.safe_load((HERE / "labels.yaml").read_text(encoding="utf-8"))
    # templates read `t.name`, and jinja2 looks up a dict's methods first: `t.keys` is a method
    clashes = {k for words in data.values() for k in words} & set(dir(dict))
    assert not clashes, f"web/labels.yaml: rename {sorted(clashes)}, they are dict methods"
    language = language if language in LANGUAGES else "en"
    return {**data["en"], **data.get(language, {})}


def style_hash(css: str) -> str:
    """The CSP source that allows exactly this inline <style> block."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


_PAGE_SELECTOR = re.compile(r"(^|[}\s,])(?:html|body)(?=[\s{,.:#\[>])")


def scope_css(css: str, scope: str) -> str:
    """The document's rules for `html`/`body` applied to its frame instead of to our page."""
    return _PAGE_SELECTOR.sub(lambda m: m.group(1) + scope, css)


def embed_document(html: str, scope: str = ".embedded") -> tuple[Markup, list[str]]:
    """A full HTML document (brief, digest) as (styles + body to embed, the styles' CSP hashes).

    The document was rendered autoescaped by the briefs package; only its own markup is kept,
    and its page-wide style rules are narrowed to the element it is embedded in (`scope`).
    """
    styles = [scope_css(css, scope) for css in _STYLE.findall(html)]
    body = _BODY.search(html)
    inner = body.group(1) if body else html
    blocks = "".join(f"<style>{css}</style>" for css in styles)
    return Markup(blocks + inner), [style_hash(css) for css in styles]


def page(
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    style_hashes: list[str] | None = None,
) -> HTMLResponse:
    """Render a page template; extra inline styles (an embedded brief) are allowed by hash."""
    body = environment().get_template(name).render(**context)
    response = HTMLResponse(body, status_code=status_code)
    if style_hashes:
        response.headers["Content-Security-Policy"] = csp(style_hashes)
    return response


def csp(style_hashes: list[str] | None = None) -> str:
    """No inline script anywhere; inline styles only those hashed for this response."""
    styles = " ".join(["'self'", *(style_hashes or [])])
    return (
        "default-src 'self'; script-src 'self'; "
        f"style-src {styles}; img-src 'self' data:; connect-src 'self'; "
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
