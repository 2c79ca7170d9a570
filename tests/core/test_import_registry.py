"""The import registry in core: every `chanye import` kind, every option of the import page and every template comes
from it; apps register their own importers in AppConfig.ready(); core and the lower apps import no higher app."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from chanye.core.imports import registry
from chanye.core.imports.base import Column, Importer
from chanye.core.imports.runner import run_import
from tests.helpers import xlsx

CHANYE = Path(__file__).resolve().parents[2] / "chanye"


def _importer_classes() -> dict[str, str]:
    """Every `class X(Importer)` under chanye/ with the kind it declares (read from the source, so a module nobody
    imports is found too)."""
    found: dict[str, str] = {}
    for path in CHANYE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", None) == "Importer" for b in node.bases):
                for stmt in node.body:
                    if (
                        isinstance(stmt, ast.Assign)
                        and getattr(stmt.targets[0], "id", None) == "kind"
                        and isinstance(stmt.value, ast.Constant)
                    ):
                        found[stmt.value.value] = f"{path.relative_to(CHANYE)}:{node.name}"
    return found


def test_every_importer_in_the_code_is_registered_by_its_app():
    classes = _importer_classes()
    assert set(classes) == set(registry.names()), classes
    assert registry.names() == [
        "enterprises",
        "monthly",
        "projects",
        "milestones",
        "chain_members",
        "attraction_targets",
        "benchmarks",
        "park_land",
        "reward_facts",
    ]
    for k in registry.kinds():
        assert k.importer.kind == k.kind and k.roles, k.kind


def test_the_import_command_offers_exactly_the_registered_kinds_and_options():
    choices = _parser_choices("source")
    # the registered importers, then the kinds imported from a file on disk by a runner of their own (invoices)
    assert choices["kind"] == registry.names() + [r.kind for r in registry.file_runners()]
    assert "invoices" in choices["kind"]
    assert choices["source"] == [v for v, _ in registry.get("monthly").options[0].choices]


@pytest.fixture
def fake_kind(monkeypatch):
    """A kind registered only for this test (the registry's dict is restored afterwards)."""

    class FakeImporter(Importer):
        kind = "fake_things"
        title = "测试物品"
        columns = [Column("name", "物品名称", required=True, example="示例物品"), Column("code", "物品编号")]

        def validate_row(self, ctx):
            return {"name": ctx.raw("name")}

        def write(self, rows, batch):
            return len(rows), 0, 0

    monkeypatch.setattr(registry, "_KINDS", dict(registry._KINDS))
    monkeypatch.setattr(registry, "_AFTER", {k: list(v) for k, v in registry._AFTER.items()})
    registry.register(
        "fake_things",
        FakeImporter,
        label="测试物品（页面选项）",
        roles=["city_admin"],
        notes=["1. 测试说明"],
        examples=[{"name": "示例物品", "code": "0012"}],
        text_keys=["code"],
        options=[registry.ImportOption("colour", "颜色", choices=[("red", "红"), ("blue", "蓝")], default="red")],
        order=5,
    )
    return FakeImporter


def _parser_choices(name: str) -> dict[str, list[str]]:
    from django.core.management import load_command_class

    cmd = load_command_class("chanye.core", "import")
    parser = cmd.create_parser("chanye", "import")
    return {a.dest: list(a.choices or []) for a in parser._actions if a.dest in ("kind", name)}


@pytest.mark.django_db
def test_a_registered_kind_appears_in_the_command_the_page_and_the_templates(fake_kind, login, users, tmp_path):
    choices = _parser_choices("colour")
    assert choices["kind"] == registry.names() + [r.kind for r in registry.file_runners()]
    assert "fake_things" in choices["kind"]
    assert choices["colour"] == ["red", "blue"] and "source" in registry_option_names()

    html = login(users["admin"]).get("/imports/").content.decode()
    assert '<option value="fake_things"' in html and "测试物品（页面选项）" in html
    assert "/imports/template/fake_things.xlsx" in html and 'name="colour"' in html
    for k in registry.kinds():
        assert f'<option value="{k.kind}"' in html and f"/imports/template/{k.kind}.xlsx" in html

    resp = login(users["admin"]).get("/imports/template/fake_things.xlsx")
    wb = load_workbook(io.BytesIO(resp.content))
    assert [c.value for c in wb["数据"][1]] == ["物品名称", "物品编号"]
    assert wb["数据"]["B2"].value == "0012" and wb["数据"]["B2"].number_format == "@"
    assert wb["填写说明"]["A2"].value == "1. 测试说明"

    f = tmp_path / "物品.xlsx"
    f.write_bytes(xlsx([["物品名称"], ["甲"]]))
    out = io.StringIO()
    call_command("import", "fake_things", str(f), "--colour", "blue", stdout=out)
    assert "新增 1" in out.getvalue()


def registry_option_names() -> list[str]:
    return [o.name for o in registry.options()]


@pytest.mark.django_db
def test_the_page_offers_only_the_kinds_a_role_may_run_with_the_roles_own_words(login, users, two_counties):
    html = login(users["qiye"]).get("/imports/").content.decode()
    assert '<option value="monthly"' in html and "月度数据（企业自报）" in html
    assert '<option value="enterprises"' not in html and '<option value="stats"' not in html
    assert '<option value="self"' in html  # an enterprise reports only its own figures
    county = login(users["xianan"]).get("/imports/").content.decode()
    offered = {k.kind for k in registry.kinds() if f'<option value="{k.kind}"' in county}
    assert offered == {k.kind for k in registry.kinds() if "county_officer" in k.roles}


@pytest.mark.django_db
def test_after_import_callbacks_run_once_after_a_written_import_only(fake_kind, users):
    seen = []
    registry.after_import("fake_things")(lambda importer, rows: seen.append((importer.kind, len(rows))))
    data = xlsx([["物品名称"], ["甲"], ["乙"]])
    assert run_import("fake_things", data=data, filename="a.xlsx", user=users["admin"], dry_run=True).ok
    assert seen == []
    assert not run_import("fake_things", data=data, filename="a.xlsx", user=users["xianan"]).ok  # role refused
    assert seen == []
    assert run_import("fake_things", data=data, filename="a.xlsx", user=users["admin"]).ok
    assert seen == [("fake_things", 2)]


def test_targets_registers_the_indicator_refresh_after_monthly_imports():
    from chanye.targets.hooks import refresh_after_monthly_import

    assert registry.after_import_callbacks("monthly") == [refresh_after_monthly_import]


def test_registering_another_importer_under_a_taken_kind_is_refused(fake_kind):
    class Other(Importer):
        kind = "fake_things"

    with pytest.raises(ValueError, match="already registered"):
        registry.register("fake_things", Other, label="x", roles=["city_admin"])


def test_the_layer_contract_holds():
    """DESIGN.md "Layers", as written in pyproject.toml ([tool.importlinter]): core ← registry ← programmes ← demo, no
    cycles between apps; the import registry keeps core free of the apps above it."""
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(CHANYE.parent / "pyproject.toml"), no_cache=True) == 0
