"""`manage.py check --deploy` under production settings: clean with HTTPS on, and it names what is
missing without it (so the clean run means something)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _check_deploy(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FIRSTLINE_", "DJANGO_")) and key != "DATABASE_URL"
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "firstline.settings",
            "FIRSTLINE_DEBUG": "0",
            "FIRSTLINE_VAR": str(tmp_path),
            "FIRSTLINE_SECRET_KEY": secrets.token_urlsafe(50),
            "FIRSTLINE_ALLOWED_HOSTS": "firstline.example.org",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_over_https(tmp_path):
    result = _check_deploy(tmp_path, FIRSTLINE_HTTPS="1", FIRSTLINE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert (result.returncode, result.stdout.strip(), result.stderr.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
        "",
    )


def test_without_https_check_deploy_names_what_is_missing(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode == 1
    found = sorted({word.strip("():") for word in result.stderr.split() if word.startswith("(security.W")})
    assert found == ["security.W004", "security.W008", "security.W012", "security.W016"]
