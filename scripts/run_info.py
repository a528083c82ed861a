"""Helpers for ``make run``: is the database empty, and what to print before serving.

``python scripts/run_info.py empty`` exits 0 when the database holds no users (so the
demo data may be loaded), 1 otherwise. ``python scripts/run_info.py banner URL`` prints
where to log in and, when the demo data is loaded, the demo logins.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def database_is_empty() -> bool:
    from django.contrib.auth import get_user_model

    return not get_user_model()._default_manager.exists()


def banner(url: str) -> str:
    from tandem.core.demo import demo_data_present, format_logins

    lines = [f"Tandem is starting on {url}/ : log in at {url}/login/"]
    if demo_data_present():
        lines += ["", "Demo logins:", format_logins()]
    else:
        lines.append("(The database holds your own data: log in with your own account.)")
    lines += ["", "Stop with Ctrl+C."]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) == 1 and argv[0] == "empty":
        _setup_django()
        return 0 if database_is_empty() else 1
    if len(argv) == 2 and argv[0] == "banner":
        _setup_django()
        print(banner(argv[1].rstrip("/")))
        return 0
    print("usage: run_info.py empty | banner URL", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
