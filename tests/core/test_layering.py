"""``core`` knows nothing of the domain: no module under tandem/core imports another
Tandem package (people, clients, integrations, later commercial, delivery, …), nor names
one of their URLs. Apps plug into core through its registries instead
(``tandem.core.registry``, ``search.register``, ``permissions.register``, ``demo``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import tandem

TANDEM = Path(tandem.__file__).parent
CORE = TANDEM / "core"
# Every Tandem package and module but core itself (apps, the CLI, the benchmarks).
OTHERS = sorted(
    path.stem for path in TANDEM.iterdir()
    if path.name != "core" and not path.name.startswith("_")
    and ((path.is_dir() and (path / "__init__.py").exists()) or path.suffix == ".py")
)
DOMAIN_URL = re.compile(rf"^({'|'.join(OTHERS)}):\w+$")


def core_modules() -> list[Path]:
    return sorted(path for path in CORE.rglob("*.py") if "migrations" not in path.parts)


def package_of(path: Path) -> str:
    module = ".".join(path.relative_to(TANDEM.parent).with_suffix("").parts)
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``source`` (a module of
    ``package``), at any depth (inside functions too), relative imports resolved,
    ``import_module("…")`` included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in {"import_module", "__import__"} and node.args and isinstance(node.args[0], ast.Constant):
                found.append((node.lineno, str(node.args[0].value)))
    return found


def test_the_walk_sees_core_and_the_apps() -> None:
    assert len(core_modules()) > 20
    assert {"people", "clients", "integrations"} <= set(OTHERS)
    assert "core" not in OTHERS


@pytest.mark.parametrize("path", core_modules(), ids=lambda path: str(path.relative_to(CORE)))
def test_core_module_imports_no_other_tandem_package(path: Path) -> None:
    offending = [
        f"line {line}: {module}" for line, module in imported_modules(path.read_text(encoding="utf-8"), package_of(path))
        if module.split(".")[0] == "tandem" and len(module.split(".")) > 1 and module.split(".")[1] in OTHERS
    ]
    assert offending == [], f"{path.relative_to(TANDEM.parent)} imports a domain package"


@pytest.mark.parametrize("path", core_modules(), ids=lambda path: str(path.relative_to(CORE)))
def test_core_module_names_no_domain_url(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    named = [
        f"line {node.lineno}: {node.value}" for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and DOMAIN_URL.match(node.value)
    ]
    assert named == []


def test_the_check_catches_an_import() -> None:
    """The walk finds absolute, relative, nested and dynamic imports alike."""
    source = (
        "from ..people import selectors\n"
        "from . import registry\n"
        "def f():\n"
        "    import tandem.clients.models\n"
        "    from importlib import import_module\n"
        "    import_module('tandem.integrations.views')\n"
    )
    modules = [module for _, module in imported_modules(source, "tandem.core")]
    assert modules[:4] == ["tandem.people", "tandem.people.selectors", "tandem.core", "tandem.core.registry"]
    assert "tandem.clients.models" in modules
    assert "tandem.integrations.views" in modules


@pytest.mark.django_db
def test_core_reaches_people_through_the_hooks_it_registered() -> None:
    from tandem.core import registry
    from tandem.people import hooks
    from tandem.people.selectors import calendar_get

    assert registry.HOOKS.calendar_time_zone is hooks.organisation_time_zone
    assert registry.organisation_time_zone() == calendar_get().time_zone
    assert registry.authenticate_token("tdm_" + "x" * 43) is None
