"""Config files that attack the loader, or that would send secrets unencrypted, are refused."""

from __future__ import annotations

import pytest
import yaml

from callbrief.foundation.errors import ConfigError
from callbrief.foundation.settings import is_loopback, load_settings

BOMB = """\
brands: [{name: Kargola}]
playbook:
  - a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def write(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_alias_bomb_is_refused_before_anything_is_expanded(tmp_path, monkeypatch):
    """Refused from the composed node graph: no object is ever built from the bomb.

    (Speed is measured by bench/bench_bounded.py, not asserted here; building the bomb would
    take 89 s and 6 GB, which is what constructing it would mean.)
    """
    path = write(tmp_path, BOMB)

    def never(*_args, **_kwargs):
        raise AssertionError("the bomb's document was constructed")

    monkeypatch.setattr(yaml.SafeLoader, "construct_document", never)
    with pytest.raises(ConfigError) as err:
        load_settings(path, env={})
    assert "alias" in str(err.value) and str(path) in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "text",
    [
        "taxonomy: &x {k: [*x]}\n",  # an alias inside its own anchor
        "digest: {recipients: " + "[" * 5000 + "]" * 5000 + "}\n",  # nesting past the stack
    ],
)
def test_self_reference_and_deep_nesting_are_one_line_errors(tmp_path, text):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text), env={})
    assert "refused" in str(err.value)


def test_modest_aliases_still_work(tmp_path):
    text = (
        "offers:\n"
        "  Kargola:\n"
        "    delivery: &base {max_credit: 250, may_offer: [courier]}\n"
        "    refund: *base\n"
    )
    settings = load_settings(write(tmp_path, text), env={})
    assert settings.offers["Kargola"]["refund"].max_credit == 250


def test_a_config_that_is_not_utf8_is_one_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"brands: [{name: Karg\xf6la}]\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(path, env={})


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("x", "http://api.example.com"),
        ("reddit_oauth", "http://oauth.example.com"),
        ("reddit_www", "http://10.0.0.7:8080"),
    ],
)
def test_plain_http_api_urls_are_refused_off_loopback(tmp_path, key, url):
    body = {
        "x": f"sources: {{x: {{base_url: '{url}'}}}}\n",
        "reddit_oauth": f"sources: {{reddit: {{oauth_url: '{url}'}}}}\n",
        "reddit_www": f"sources: {{reddit: {{reddit_url: '{url}'}}}}\n",
    }[key]
    with pytest.raises(ConfigError, match="unencrypted"):
        load_settings(write(tmp_path, body), env={})
    flag = "x" if key == "x" else "reddit"
    opted = body.replace("}}", ", allow_insecure_http: true}}")
    settings = load_settings(write(tmp_path, opted), env={})
    assert getattr(settings.sources, flag).allow_insecure_http


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.8.0.1", "[::1]"])
def test_plain_http_to_loopback_is_fine(tmp_path, host):
    text = f"sources: {{x: {{base_url: 'http://{host}:8080'}}}}\n"
    assert load_settings(write(tmp_path, text), env={}).sources.x.base_url.startswith("http://")
    assert is_loopback(host)


def test_lookalike_hosts_are_not_loopback():
    assert not is_loopback("localhost.example.com")
    assert not is_loopback("127.0.0.1.nip.io")
    assert not is_loopback("0.0.0.0")
