"""Start-up stays light (issue 11): Django's start and the URLconf (what `chanye check` and every command pay)
load none of the heavy libraries; each is imported by the function that needs it (analysis, exports, reports)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent
HEAVY = ["ibis", "duckdb", "pandas", "pyarrow", "numpy", "matplotlib", "docx", "openpyxl", "rapidfuzz"]


def loaded_after(code: str, heavy: list[str] = HEAVY) -> list[str]:
    """The heavy modules present in sys.modules after `code` runs in a fresh interpreter with the test settings."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["DJANGO_SETTINGS_MODULE"] = "chanye.config.settings.test"
    script = (
        "import json, sys, django\n"
        "django.setup()\n"
        f"{code}\n"
        f"print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_django_setup_imports_no_heavy_library_nor_the_pack_schema():
    # django-ninja (and pydantic with it) is an installed app for its docs page's static files: it loads at start.
    assert loaded_after("", [*HEAVY, "yaml", "chanye.industry.schema"]) == []


def test_the_urlconf_with_every_view_and_the_api_imports_no_heavy_library():
    assert loaded_after("from django.urls import get_resolver; get_resolver().url_patterns") == []


@pytest.mark.parametrize("command", ["analyze", "indicators", "import", "report", "projects", "demo"])
def test_loading_a_command_imports_no_heavy_library(command):
    code = (
        "from django.core.management import get_commands, load_command_class; "
        f"load_command_class(get_commands()[{command!r}], {command!r})"
    )
    # nor the pack schema nor the API's modules: a command loads what it runs
    assert loaded_after(code, [*HEAVY, "yaml", "chanye.industry.schema", "chanye.api"]) == []
