"""The row parser's shortcuts (``_Importer.parse_cells``): a text a memoised parser has
answered is looked up and a plain text cell is stripped without a call; each gives
exactly the parser's own value or message. And the service's text shortcut
(``core.imports.plain_text_fields``) answers exactly what ``field_errors`` answers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tandem.commercial.models import Opportunity
from tandem.core.imports import field_errors, plain_text_fields
from tandem.integrations.importing.clients import ContactImporter, ImportContext
from tandem.integrations.importing.commercial import OpportunityImporter
from tandem.integrations.importing.files import MAX_CELL_CHARS
from tandem.integrations.importing.values import CellError, Memoised, TextCell, memoised, parse_bool

CELLS = [
    "", " ", "  Acme deal  ", "x" * MAX_CELL_CHARS, " " + "x" * MAX_CELL_CHARS + " ", "x" * (MAX_CELL_CHARS + 1),
    "1,250.00", "EUR 15,000.00", "-5", "abc", "40%", "0.4", "140", "2027-03-31", "3/31/2027", "31.03.2027",
    "2026-13-45", "New Business", "renewal", "Weird type", "Best Case", "omitted", "true", "No", "maybe", "eur",
]  # fmt: skip


def _direct(parser, text):
    try:
        return parser(text), None
    except CellError as exc:
        return None, str(exc)


@pytest.mark.parametrize("importer", [OpportunityImporter(), ContactImporter()], ids=["opportunities", "contacts"])
def test_parse_cells_gives_each_parsers_own_value_or_message(importer):
    mapping = {name: f"Column {name}" for name, _parser in importer.parsers}
    context = ImportContext(actor=None, source="salesforce", mapping=mapping)
    for _round in range(2):  # the second round finds every text in the parsers' caches
        for text in CELLS:
            result, errors = importer.parse_cells(context, dict.fromkeys(mapping, text))
            expected_result, expected_errors = {}, []
            for name, parser in importer.parsers:
                value, message = _direct(parser, text)
                if message is None:
                    expected_result[name] = value
                else:
                    expected_errors.append((mapping[name], message))
            assert (result, errors) == (expected_result, expected_errors), text
            assert all(type(result[name]) is type(expected_result[name]) for name in result)


def test_memoised_and_text_parsers_answer_like_the_parsers_they_wrap():
    yes_no = memoised(parse_bool)
    assert isinstance(yes_no, Memoised)
    assert [yes_no(text) for text in (" Yes", "no", " Yes")] == [True, False, True]
    for _round in range(2):
        with pytest.raises(CellError, match="'maybe' is not yes/no"):
            yes_no(" maybe ")
    assert set(yes_no.cache) == {" Yes", "no", " maybe "}
    short = TextCell(5)
    assert short("  abcde ") == "abcde"
    with pytest.raises(CellError, match="is 6 characters long; at most 5 fit"):
        short("abcdef")


def test_plain_text_fields_answer_what_field_errors_answers():
    texts = plain_text_fields(Opportunity)
    assert texts == {
        "name": (200, False), "next_step": (255, True), "lost_reason": (200, True),
        "description": (texts["description"][0], True), "external_id": (64, True),
    }  # fmt: skip
    for name, (max_length, blank) in texts.items():
        length = min(max_length, 300)
        for value in ("", "a", "a" * length, "a" * (length + 1), None, 5, Decimal("1")):
            passes = value.__class__ is str and (len(value) <= max_length if value else blank)
            if passes:
                assert field_errors(Opportunity, {name: value}) == {}, (name, value)
            elif value.__class__ is str:
                assert name in field_errors(Opportunity, {name: value}), (name, value)
