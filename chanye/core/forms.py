"""Form helpers every app's forms share: Bootstrap classes on the widgets, the messages of a service's refusal, and the
upload form of every import page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".ofd", ".doc", ".docx", ".xls", ".xlsx", ".zip")
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def clean_evidence(f: Any) -> Any:
    """An uploaded evidence file (佐证材料) of an accepted kind and size, or None; refused in words otherwise."""
    if not f:
        return None
    if Path(f.name).suffix.lower() not in EVIDENCE_SUFFIXES:
        raise ValidationError("佐证材料请上传 PDF、图片、OFD、Word、Excel 或 ZIP 文件。")
    if f.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(f"佐证材料不能超过 {EVIDENCE_MAX_BYTES // 2**20} MB。")
    return f


def style(form: forms.BaseForm) -> None:
    """Give each visible widget its Bootstrap class (small controls, as on every page of the platform)."""
    for f in form.fields.values():
        w = f.widget
        if isinstance(w, forms.HiddenInput):
            continue
        if isinstance(w, forms.CheckboxInput):
            w.attrs.setdefault("class", "form-check-input")
        elif isinstance(w, forms.Select | forms.SelectMultiple):
            w.attrs.setdefault("class", "form-select form-select-sm")
        else:
            w.attrs.setdefault("class", "form-control form-control-sm")


def messages_of(e: Exception) -> list[str]:
    """The Chinese messages of a ValidationError or PermissionDenied raised by a service."""
    return list(getattr(e, "messages", None) or [str(e)])


def error_text(form: forms.BaseForm) -> str:
    """A bound form's errors as one line for a flash message (each message once, in field order)."""
    return "；".join(str(m) for ms in form.errors.values() for m in ms)


SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".xls")


class UploadForm(forms.Form):
    """An import upload: a spreadsheet (or what `suffixes` allows) no larger than CHANYE_IMPORT_MAX_BYTES, and
    whether only to check it. Every upload page of the platform uses it, so the rules and words are the same."""

    suffixes: tuple[str, ...] = SHEET_SUFFIXES
    wrong_type = "请上传 .xlsx 或 .csv 文件。"

    file = forms.FileField(label="文件（.xlsx 或 .csv）")
    dry_run = forms.BooleanField(label="只校验，不写入", required=False)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(self.suffixes):
            raise forms.ValidationError(self.wrong_type)
        if f.size > settings.CHANYE_IMPORT_MAX_BYTES:
            raise forms.ValidationError(f"文件超过 {settings.CHANYE_IMPORT_MAX_BYTES // 2**20} MB，请拆分后分批导入。")
        return f
