"""The shape of ``tandem.clients.services``, the package later apps copy: it exports only
services ``<entity>_<verb>(*, actor, …)`` with ``actor`` typed, and its modules import
each other at the top only (no import hidden in a function to dodge a cycle)."""

import ast
import inspect
import pathlib
import re

from tandem.clients import services

PACKAGE = pathlib.Path(services.__file__).parent
SERVICE_NAME = re.compile(r"^[a-z]+(_[a-z]+)*_(create|update|delete|move|set_lifecycle|assign|reopen|resolve|respond|complete|reassign|import)$")


def test_the_package_exports_only_services_with_a_keyword_only_typed_actor():
    assert sorted(services.__all__) == sorted(set(services.__all__))
    for name in services.__all__:
        function = getattr(services, name)
        assert SERVICE_NAME.match(name), name
        actor = inspect.signature(function).parameters["actor"]
        assert actor.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert actor.annotation in {"Actor", "SystemActor"}, name


def test_helpers_are_not_exported():
    exported = set(services.__all__)
    for helper in ("normalise_domain", "accounts_recompute_check_in", "account_refresh_last_contact",
                   "inquiry_record_first_response", "record_interaction", "account_refresh_check_in"):
        assert helper not in exported


def _imports_inside_functions(path: pathlib.Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    found.append(f"{path.name}:{inner.lineno}")
    return found


def test_no_module_of_the_package_imports_inside_a_function():
    offenders = {
        path.name for path in sorted(PACKAGE.glob("*.py")) if _imports_inside_functions(path)
    }
    assert offenders == set(), offenders
