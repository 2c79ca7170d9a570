"""No fixed secret key in the running product: dev settings keep a random key per installation in the data directory,
and `chanye serve` refuses an empty, short or placeholder key."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

ROOT = Path(__file__).parent.parent.parent
DEV_PLACEHOLDER = "dev-only-not-secret-" + "x" * 40


def run(*args, env, timeout=60):
    e = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "CHANYE_SECRET_KEY")} | env
    return subprocess.run(
        [sys.executable, "-m", "chanye", *args], capture_output=True, text=True, cwd=ROOT, env=e, timeout=timeout
    )


def dev_key(data_dir: Path) -> str:
    env = {"DJANGO_SETTINGS_MODULE": "chanye.config.settings.dev", "CHANYE_DATA_DIR": str(data_dir)}
    r = run("shell", "-v", "0", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip().splitlines()[-1]


def test_dev_settings_generate_a_private_key_once_per_data_directory_and_reuse_it(tmp_path):
    first = dev_key(tmp_path / "a")
    key_file = tmp_path / "a" / "secret_key"
    assert key_file.read_text().strip() == first and len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert dev_key(tmp_path / "a") == first  # the demo keeps its sessions across restarts
    assert dev_key(tmp_path / "b") != first  # no two installations share a key
    assert not first.startswith(("dev-only", "test-only", "django-insecure"))


def test_dev_settings_take_the_key_from_the_environment_first(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "chanye.config.settings.dev",
        "CHANYE_DATA_DIR": str(tmp_path),
        "CHANYE_SECRET_KEY": "e" * 30 + "Zq7!" * 10,
    }
    r = run("shell", "-v", "0", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", env=env)
    assert r.stdout.strip().splitlines()[-1] == "e" * 30 + "Zq7!" * 10 and not (tmp_path / "secret_key").exists()


@pytest.fixture
def no_serving(monkeypatch):
    """If the check let the server start, the test fails at once instead of serving forever."""
    import waitress

    def serve(*args, **kwargs):
        raise AssertionError("the server started")

    monkeypatch.setattr(waitress, "serve", serve)


@pytest.mark.parametrize(
    "key",
    ["", "short-key", DEV_PLACEHOLDER, "test-only-not-secret-" + "y" * 40, "django-insecure-" + "z" * 50],
    ids=["empty", "short", "dev-placeholder", "test-placeholder", "django-insecure"],
)
def test_serve_refuses_a_weak_secret_key(key, no_serving):
    with override_settings(SECRET_KEY=key), pytest.raises(CommandError) as e:
        call_command("serve", no_migrate=True)
    assert "CHANYE_SECRET_KEY" in str(e.value) and "密钥" in str(e.value)


def test_chanye_serve_exits_non_zero_with_the_old_dev_placeholder(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "chanye.config.settings.dev",
        "CHANYE_DATA_DIR": str(tmp_path),
        "CHANYE_SECRET_KEY": DEV_PLACEHOLDER,
    }
    try:
        r = run("serve", "--no-migrate", "--port", "18765", env=env, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("chanye serve started with a placeholder secret key")
    assert r.returncode != 0 and "CHANYE_SECRET_KEY" in r.stderr and "Traceback" not in r.stderr
