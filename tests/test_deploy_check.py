"""R7: production settings pass ``manage.py check --deploy`` with no warning, and refuse
to start without an explicit secret key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def run_manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TANDEM_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "TANDEM_VAR_DIR": str(tmp_path)})
    clean.update(env)
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_no_issues(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "TANDEM_ENV": "production",
            "TANDEM_SECRET_KEY": secrets.token_urlsafe(60),
            "TANDEM_ALLOWED_HOSTS": "tandem.example.com",
        },
        tmp_path=tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_production_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        env={"TANDEM_ENV": "production", "TANDEM_ALLOWED_HOSTS": "tandem.example.com"},
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "TANDEM_SECRET_KEY must be set when TANDEM_ENV=production" in result.stderr
    assert not (tmp_path / "secret_key").exists()  # no key was generated behind its back


def test_development_generates_and_keeps_a_secret_key(tmp_path: Path) -> None:
    first = run_manage("check", env={"TANDEM_ENV": "development"}, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    second = run_manage("check", env={"TANDEM_ENV": "development"}, tmp_path=tmp_path)
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "secret_key").read_text() == key
