"""The template loader: clear errors for unknown names, sandboxed, Turkish-aware lower()."""

import pytest
from jinja2.exceptions import SecurityError

from callbrief.briefs.templating import environment, lower, read_template
from callbrief.foundation.errors import NotFoundError


def test_unknown_template_names_the_known_ones():
    with pytest.raises(NotFoundError, match="No template named 'nope.html'. Known templates:"):
        read_template("nope.html")


def test_user_templates_cannot_reach_python(tmp_path):
    (tmp_path / "evil.html").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(SecurityError):
        read_template("evil.html", user_dir=str(tmp_path)).render()


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [("İLK ARAMA", None, "ilk arama"), ("ISPARTA", "tr", "ısparta"), ("ISSUE", "en", "issue")],
)
def test_lower_respects_dotted_and_dotless_i(text, language, expected):
    assert lower(text, language) == expected
    assert environment().from_string("{{ v|lower(l) }}").render(v=text, l=language) == expected
