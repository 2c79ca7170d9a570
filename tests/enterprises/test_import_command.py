"""`chanye import …`: errors printed with row and column, non-zero exit, nothing written; --dry-run."""

import io

import pytest
from django.core.management import CommandError, call_command

from chanye.enterprises.models import Enterprise
from tests.helpers import xlsx

pytestmark = pytest.mark.django_db


def test_bad_file_prints_every_error_and_fails(tmp_path, mini_pack):
    f = tmp_path / "坏表.xlsx"
    f.write_bytes(
        xlsx(
            [["统一社会信用代码", "企业名称", "所属区县"], ["91350100M000100Y44", "甲", "咸安区"], ["", "乙", "火星区"]]
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import", "enterprises", str(f), stderr=err, stdout=io.StringIO())
    text = err.getvalue()
    assert "第2行［统一社会信用代码］" in text and "第3行［所属区县］值“火星区”" in text
    assert not Enterprise.objects.exists()


def test_dry_run_then_import(tmp_path, mini_pack):
    f = tmp_path / "名录.csv"
    f.write_text("统一社会信用代码,企业名称,所属区县\n91350100M000100Y43,甲有限公司,咸安区\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import", "enterprises", str(f), "--dry-run", stdout=out)
    assert "校验通过" in out.getvalue() and not Enterprise.objects.exists()
    call_command("import", "enterprises", str(f), stdout=out)
    assert "新增 1" in out.getvalue() and Enterprise.objects.count() == 1
