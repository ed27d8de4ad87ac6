"""Settings: file > defaults, env for secrets and the database, clear errors naming the key."""

import pytest

from callbrief.foundation.errors import ConfigError
from callbrief.foundation.settings import load_settings


def write(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path):
    s = load_settings(env={}, cwd=tmp_path)
    assert s.source == "built-in defaults"
    assert s.languages == ["tr", "az", "en"]
    assert s.database_url.startswith("sqlite:///")


def test_cwd_config_is_read_and_handles_lose_their_at(tmp_path):
    write(tmp_path, "brands:\n  - name: Kargola\n    handles: {x: ['@Kargola']}\n")
    s = load_settings(env={}, cwd=tmp_path)
    assert s.brand("kargola").own_handles("x") == {"kargola"}


def test_precedence_flag_over_env_for_database(tmp_path):
    env = {"CALLBRIEF_DB": "sqlite:///env.db"}
    assert load_settings(env=env, cwd=tmp_path).database == "sqlite:///env.db"
    s = load_settings(env=env, cwd=tmp_path, database="sqlite:///flag.db")
    assert s.database == "sqlite:///flag.db"


def test_secrets_come_from_the_environment_only(tmp_path):
    path = write(tmp_path, "sources:\n  x:\n    bearer_token_env: MY_TOKEN\n")
    s = load_settings(path, env={"MY_TOKEN": "s3cret"})
    assert s.sources.x.bearer_token == "s3cret"
    assert "s3cret" not in repr(s) and "s3cret" not in s.model_dump_json()
    with pytest.raises(ConfigError, match="bearer_token"):
        load_settings(write(tmp_path, "sources:\n  x:\n    bearer_token: inline\n"), env={})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("brands:\n  - name: X\n    languge: tr\n", "`brands.0.languge`: Extra inputs"),
        ("sources:\n  x:\n    max_pages_per_query: 0\n", "`sources.x.max_pages_per_query`"),
        ("brands: [\n", "not valid YAML at line 2"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("brands:\n  - name: X\n    language: de\n", "`brands.0.language`"),
    ],
)
def test_invalid_config_names_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_settings(write(tmp_path, text), env={})


def test_missing_explicit_file_says_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="does not exist. Pass an existing file"):
        load_settings(tmp_path / "nope.yaml", env={})


def test_project_example_config_is_valid():
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "config.yaml"
    s = load_settings(example, env={})
    assert {b.name for b in s.brands} == {"Kargola", "Ulduz Mobil", "Brightwave"}
    assert s.offer_for("Brightwave", "outage").max_credit == 30
    assert s.offer_for("Brightwave", "billing").max_credit == 20  # brand default


def test_project_example_playbook_extends_the_packaged_one():
    from pathlib import Path

    from callbrief.briefs.playbook import load_playbook

    s = load_settings(Path(__file__).resolve().parents[2] / "config.yaml", env={})
    book = load_playbook(s.playbook, s.avoid_phrases)
    assert "+config." in book.version
    assert "kargola_weekend_delivery" in {entry.id for entry in book.entries}
    assert "As per our policy..." in {row["phrase"] for row in book.avoid["en"]}


def test_brand_named_in_a_text(tmp_path):
    path = write(
        tmp_path,
        "brands:\n  - name: Ulduz Mobil\n    keywords: [ulduzmobil]\n"
        "  - name: Kargola\n    handles: {x: [kargoladestek]}\n",
    )
    s = load_settings(path, env={})
    assert s.brand_named_in("ULDUZ MOBİL şəbəkəsi yenə yoxdur") == "Ulduz Mobil"
    assert s.brand_named_in("@KargolaDestek kargom nerede") == "Kargola"
    assert s.brand_named_in("kargom nerede") is None


def test_brand_zone_escalation_roles_and_channel_switch(tmp_path):
    write(
        tmp_path,
        "brands:\n  - name: Kargola\n    timezone: Europe/Istanbul\n    escalation:\n"
        "      - {role: vardiya amiri, name: Elif, phone: '0212', handles: [approval]}\n"
        "channel_switch: {after_unreachable: 3, messages: {email: {tr: 'Merhaba {name}'}}}\n",
    )
    s = load_settings(env={}, cwd=tmp_path)
    role = s.brand("Kargola").escalation[0]
    assert (role.role, role.name, role.phone, role.handles) == (
        "vardiya amiri",
        "Elif",
        "0212",
        ["approval"],
    )
    assert s.channel_switch.after_unreachable == 3
    assert s.channel_switch.messages["email"]["tr"] == "Merhaba {name}"


def test_a_brand_zone_that_does_not_exist_names_the_key(tmp_path):
    write(tmp_path, "brands:\n  - name: Kargola\n    timezone: Europe/Istambul\n")
    with pytest.raises(ConfigError, match=r"brands\.0\.timezone"):
        load_settings(env={}, cwd=tmp_path)


@pytest.mark.parametrize("send_at", ["8 o'clock", "24:00", "08:60", "0800", ""])
def test_a_digest_time_that_is_no_time_of_day_fails_when_settings_load(tmp_path, send_at):
    path = write(tmp_path, f"digest:\n  send_at: {send_at!r}\n")
    with pytest.raises(ConfigError) as failed:
        load_settings(path, env={})
    assert f"`digest.send_at`: Value error, {send_at!r} is not a time of day." in str(failed.value)
    assert 'Use HH:MM, e.g. "08:00" (local time in cases.timezone).' in str(failed.value)


def test_a_digest_time_is_kept_as_hh_mm(tmp_path):
    settings = load_settings(write(tmp_path, "digest:\n  send_at: '7:30'\n"), env={})
    assert settings.digest.send_at == "07:30"
