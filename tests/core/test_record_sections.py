"""The record-section hook: apps add sections to a record's page without core naming them."""

from __future__ import annotations

import pytest

from tandem.clients.models import Account
from tandem.core import registry


class Thing:
    pass


@pytest.fixture(autouse=True)
def clean_registry():
    yield
    registry.RECORD_SECTIONS.pop(Thing, None)


def test_sections_come_by_slot_and_order_and_none_leaves_one_out():
    registry.record_section(model=Thing, key="b", template="b.html", context=lambda viewer, record: {"n": 2}, order=20)
    registry.record_section(model=Thing, key="a", template="a.html", context=lambda viewer, record: {"n": 1}, order=10)
    registry.record_section(model=Thing, key="side", template="s.html", context=lambda viewer, record: {}, slot="side")
    registry.record_section(model=Thing, key="hidden", template="h.html", context=lambda viewer, record: None)
    shown = registry.record_sections("viewer", Thing())
    assert [(s.key, s.template, s.context) for s in shown["main"]] == [("a", "a.html", {"n": 1}), ("b", "b.html", {"n": 2})]
    assert [s.key for s in shown["side"]] == ["side"]


def test_registering_a_key_again_replaces_it_and_slots_are_checked():
    registry.record_section(model=Thing, key="a", template="old.html", context=lambda viewer, record: {})
    registry.record_section(model=Thing, key="a", template="new.html", context=lambda viewer, record: {})
    assert [s.template for s in registry.record_sections(None, Thing())["main"]] == ["new.html"]
    with pytest.raises(ValueError, match="slot"):
        registry.record_section(model=Thing, key="x", template="x.html", context=lambda viewer, record: {}, slot="top")


def test_the_context_sees_the_viewer_and_the_record():
    seen = []
    registry.record_section(model=Thing, key="a", template="a.html", context=lambda viewer, record: seen.append((viewer, record)) or {})
    record = Thing()
    registry.record_sections("me", record)
    assert seen == [("me", record)]


def test_sections_sit_on_one_tab_and_only_that_tab_works_them_out():
    """A section names its tab (the overview by default); a tab reads only its own
    sections, so a record page stays within its query budget whatever other apps add."""
    worked_out = []

    def context(name):
        return lambda viewer, record: worked_out.append(name) or {"name": name}

    registry.record_section(model=Thing, key="home", template="h.html", context=context("home"))
    registry.record_section(model=Thing, key="money", template="m.html", context=context("money"), tab="sales")
    registry.record_section(model=Thing, key="ideas", template="i.html", context=context("ideas"), slot="side", tab="sales")
    assert [s.key for s in registry.record_sections(None, Thing())["main"]] == ["home"]
    assert worked_out == ["home"]
    shown = registry.record_sections(None, Thing(), "sales")
    assert ([s.key for s in shown["main"]], [s.key for s in shown["side"]]) == (["money"], ["ideas"])
    assert worked_out == ["home", "ideas", "money"]  # by order, then key
    assert registry.record_sections(None, Thing(), "elsewhere") == {"main": [], "side": []}


def test_tab_links_reverse_each_visible_tab_with_the_record_id_and_mark_the_active_one():
    """``record_tab_links`` names the record by ``<model_name>_id`` (the account's tabs)."""
    account = Account(pk=7, name="Seven")
    links = registry.record_tab_links(None, account, "overview")
    assert [(link.key, link.url, link.active) for link in links] == [
        ("overview", "/clients/accounts/7/", True),
        ("profile", "/clients/accounts/7/profile/", False),
        ("sales", "/sales/accounts/7/", False),
        ("projects", "/delivery/accounts/7/", False),
        ("relationship", "/governance/accounts/7/", False),
    ]
    registry.record_tab(Account, key="hidden", label="Hidden", url_name="clients:account_detail", icon="x",
                        visible=lambda viewer, record: viewer == "boss")
    try:
        assert "hidden" not in [link.key for link in registry.record_tab_links("someone", account, "overview")]
        assert "hidden" in [link.key for link in registry.record_tab_links("boss", account, "overview")]
    finally:
        registry.RECORD_TABS[Account].pop("hidden")
