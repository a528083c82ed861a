"""The RACI rules, one by one (``raci_check`` is a pure function: no database)."""

from __future__ import annotations

from tandem.governance.selectors.raci import raci_check


def _one(letters: dict[str, str], **options):
    return raci_check([("row", letters)], **options)["row"]


def test_a_complete_row_has_no_problem_and_no_warning() -> None:
    check = _one({"user:1": "A", "user:2": "R", "user:3": "I"})
    assert (check.problems, check.warnings, check.text) == ([], [], "Complete")


def test_a_row_without_accountable_asks_for_one() -> None:
    assert _one({"user:2": "R"}).problems == ["Give this row one Accountable person"]


def test_two_accountable_are_counted() -> None:
    assert _one({"user:1": "A", "user:2": "A", "user:3": "R"}).problems == [
        "Only one person can be Accountable: now 2"]


def test_three_accountable_are_counted() -> None:
    assert _one({"user:1": "A", "user:2": "A", "contact:3": "A", "user:4": "R"}).problems == [
        "Only one person can be Accountable: now 3"]


def test_a_row_without_responsible_needs_one() -> None:
    assert _one({"user:1": "A", "user:2": "C"}).problems == ["Someone must be Responsible"]


def test_the_accountable_may_also_be_the_only_letter_but_then_nobody_is_responsible() -> None:
    assert _one({"user:1": "A"}).problems == ["Someone must be Responsible"]


def test_an_empty_row_warns_and_breaks_both_rules() -> None:
    check = _one({})
    assert check.warnings == ["Nobody is on this row yet"]
    assert check.problems == ["Give this row one Accountable person", "Someone must be Responsible"]


def test_too_many_accountable_rows_for_one_person_warn_on_each_of_them() -> None:
    rows = [(index, {"user:1": "A", "user:2": "R"}) for index in range(4)]
    result = raci_check(rows, names={"user:1": "Ada"}, limit=3)
    assert [result[index].warnings for index in range(4)] == [["Ada is Accountable for 4 rows (more than 3)"]] * 4
    assert raci_check(rows, limit=4)[0].warnings == []  # at the limit: no warning


def test_more_than_half_of_six_rows_warns() -> None:
    rows = [(index, {"user:1" if index < 4 else "user:9": "A", "user:2": "R"}) for index in range(6)]
    result = raci_check(rows, names={"user:1": "Ada"}, limit=50)
    assert result[0].warnings == ["Ada is Accountable for 4 of the 6 rows"]
    assert result[5].warnings == []


def test_half_of_the_rows_is_not_more_than_half() -> None:
    rows = [(index, {"user:1" if index < 3 else "user:9": "A", "user:2": "R"}) for index in range(6)]
    assert all(check.warnings == [] for check in raci_check(rows, limit=50).values())


def test_the_half_rule_needs_six_rows() -> None:
    rows = [(index, {"user:1": "A", "user:2": "R"}) for index in range(5)]
    assert all(check.warnings == [] for check in raci_check(rows, limit=50).values())


def test_the_limit_comes_from_the_setting(settings) -> None:
    settings.TANDEM_RACI_MAX_ACCOUNTABLE = 1
    rows = [(index, {"user:1": "A", "user:2": "R"}) for index in range(2)]
    assert raci_check(rows)[0].warnings == ["This person is Accountable for 2 rows (more than 1)"]
