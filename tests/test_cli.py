"""The `chanye` console script: Django's commands, `check --deploy` clean for production settings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def run(*args, env=None):
    e = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "chanye", *args], capture_output=True, text=True, cwd=ROOT, env=e, timeout=120
    )


def test_chanye_runs_django_commands():
    r = run("help")
    assert r.returncode == 0 and "pack" in r.stdout and "import" in r.stdout and "demo" in r.stdout


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "chanye.config.settings.prod",
        "CHANYE_SECRET_KEY": "k" * 20 + "Zx9!" * 10,
        "CHANYE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    r = run("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert r.returncode == 0, r.stdout + r.stderr


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "chanye.config.settings.prod",
        "CHANYE_SECRET_KEY": "",
        "CHANYE_DATA_DIR": str(tmp_path),
    }
    r = run("check", env=env)
    assert r.returncode != 0 and "CHANYE_SECRET_KEY" in r.stderr
