"""The record-section hook: apps add sections to a record's page without core naming them."""

from __future__ import annotations

import pytest

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
