"""Exit 0 when the PostgreSQL server named by DATABASE_URL answers, 1 otherwise.

Connects to the server's ``postgres`` maintenance database, as pytest-django does when
it creates the test databases, so the named database itself need not exist yet.
"""

from __future__ import annotations

import os
import sys

import dj_database_url
import psycopg


def main() -> int:
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    try:
        psycopg.connect(
            dbname="postgres",
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            connect_timeout=5,
        ).close()
    except psycopg.OperationalError as exc:
        print(f"{exc}".strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
