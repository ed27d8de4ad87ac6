"""Linking one person's handles across channels, and importing phones from a CRM export."""

from __future__ import annotations

import pytest
from sqlmodel import select

from callbrief.foundation.errors import ConfigError, ImportFileError
from callbrief.storage.customers import customer_of, import_crm_csv, link_handles
from callbrief.storage.db import session_scope
from callbrief.storage.models import Author, Customer


def test_linked_handles_resolve_to_one_customer(any_engine):
    with session_scope(any_engine) as session:
        made = link_handles(session, [("x", "@Derya_K"), ("reddit", "u/deryak")], name="Derya K.")
    with session_scope(any_engine) as session:
        on_x = customer_of(session, "x", "derya_k")
        on_reddit = customer_of(session, "reddit", "DeryaK")
        assert on_x.id == on_reddit.id == made.id and on_x.display_name == "Derya K."


def test_linking_two_known_customers_merges_them(any_engine):
    with session_scope(any_engine) as session:
        a = link_handles(session, [("x", "sam")], phone="+44 20 7946 0000")
        b = link_handles(session, [("reddit", "sam_h")], email="sam@example.com")
        assert a.id != b.id
        merged = link_handles(session, [("x", "sam"), ("reddit", "sam_h")])
        assert (merged.phone, merged.email) == ("+442079460000", "sam@example.com")
        assert len(session.exec(select(Customer)).all()) == 1
        assert {x.customer_id for x in session.exec(select(Author))} == {merged.id}


def test_a_bad_phone_is_refused_with_the_reason(engine):
    with session_scope(engine) as session, pytest.raises(ConfigError, match="not a phone"):
        link_handles(session, [("x", "ayse")], phone="call me")


def test_crm_import_reports_bad_lines_and_imports_the_rest(engine, tmp_path):
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Name,Phone,Email,Twitter,Reddit\n"
        "Ayşe Kaya,0532 111 22 33,ayse@example.com,@ayse_k,\n"
        "Mehmet Y,not-a-phone,,mehmet_y,\n"
        "No Handle,+994501234567,,,\n"
        "Leyla M,+994 50 765 43 21,leyla@example,leyla_m,\n"
        "Sam H,+44 20 7946 0001,,sam_x,sam_h\n",
        encoding="utf-8",
    )
    with session_scope(engine) as session:
        report = import_crm_csv(session, crm)
    assert report.imported == 2 and report.customers == 2
    assert [line for line, _ in report.errors] == [3, 4, 5]
    assert "not a phone number" in report.errors[0][1]
    assert "line 4: no handle" in report.summary()
    with session_scope(engine) as session:
        assert customer_of(session, "x", "ayse_k").phone == "05321112233"
        assert customer_of(session, "reddit", "sam_h").id == customer_of(session, "x", "sam_x").id
        assert customer_of(session, "x", "mehmet_y") is None


def test_crm_import_without_handle_columns_says_what_to_add(engine, tmp_path):
    crm = tmp_path / "crm.csv"
    crm.write_text("name,phone\nA,+905321112233\n", encoding="utf-8")
    with session_scope(engine) as session, pytest.raises(ImportFileError, match="channel,handle"):
        import_crm_csv(session, crm)
    with session_scope(engine) as session, pytest.raises(ImportFileError, match="does not exist"):
        import_crm_csv(session, tmp_path / "missing.csv")
