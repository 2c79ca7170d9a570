"""The import pages: upload (every registered kind), template downloads, the batch page and its error file.

URLs /imports/… (names `core:import`, `core:import_template`, `core:import_batch`, `core:import_errors`). Access
(`chanye.core.access`): business users only; uploading needs a writing role or an enterprise's own user (each kind
then checks its own roles); a batch is visible to the city administrator and to the person who uploaded it — anyone
else's batch is "not found", audited.

Showing a batch or the batch list first ends stale batches (`runner.expire_stale_batches`); the batch page polls
until its batch is final, and its polls do not extend the session's idle timeout (`core.sessions`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.http import require_http_methods

from chanye.core import access, xlsx
from chanye.core.downloads import attachment
from chanye.core.imports import registry
from chanye.core.imports.forms import ImportForm
from chanye.core.imports.runner import expire_stale_batches, start_import
from chanye.core.models import ImportBatch
from chanye.core.roles import BUSINESS, WRITERS, Role
from chanye.core.sessions import not_activity

IMPORTERS = WRITERS | {Role.ENTERPRISE}


def _business_user(request: HttpRequest) -> None:
    access.require(request.user, BUSINESS, what="数据导入页面")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    access.require(request.user, IMPORTERS, what="数据导入页面")
    wanted = request.GET.get("kind")
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"kind": wanted} if wanted in registry.names() else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = start_import(
            form.cleaned_data["kind"],
            data=upload.read(),
            filename=upload.name,
            user=request.user,
            dry_run=form.cleaned_data["dry_run"],
            options=form.options(),
        )
        return redirect("core:import_batch", pk=batch.pk)
    expire_stale_batches()
    runners = {r.kind: r.label for r in registry.file_runners()}  # kinds imported from disk (invoices)
    batches = ImportBatch.objects.filter(kind__in=[*registry.names(), *runners]).order_by("-started_at")
    if not access.is_city_admin(request.user):
        batches = batches.filter(user=request.user)
    batches = list(batches[:20])
    for b in batches:
        b.kind_label = runners[b.kind] if b.kind in runners else registry.get(b.kind).title
    templates = [(k.kind, k.title) for k in form.kinds]
    return render(request, "core/import.html", {"form": form, "batches": batches, "templates": templates})


def _batch_for(request: HttpRequest, pk: int) -> ImportBatch:
    """A batch of the user's own (any batch for the city administrator); another's is "not found", audited."""
    qs = (
        ImportBatch.objects.all()
        if access.is_city_admin(request.user)
        else ImportBatch.objects.filter(user=request.user)
    )
    return access.get(qs, request.user, what="导入批次", pk=pk)


def _polling_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`login_required`, except that a poll whose session has run out sends the whole page to the login page
    (HX-Redirect) instead of having the login form swapped into the progress box."""
    guarded = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.headers.get("HX-Request") and not request.user.is_authenticated:
            page = request.path
            response = HttpResponse(status=204)
            response["HX-Redirect"] = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': page})}"
            return response
        return guarded(request, *args, **kwargs)

    return wrapper


@_polling_login_required
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    _business_user(request)
    polling = bool(request.headers.get("HX-Request"))
    if polling:
        not_activity(request)  # the page polls every second: that must not keep the session alive
    expire_stale_batches()
    batch = _batch_for(request, pk)
    template = "core/_batch.html" if polling else "core/import_batch.html"
    return render(request, template, {"batch": batch, "errors": batch.errors[:500], "warnings": batch.warnings[:200]})


@login_required
def import_errors_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    _business_user(request)
    batch = _batch_for(request, pk)
    rows = [(e["row"] or "文件", e["column"], e["value"], e["message"]) for e in batch.errors]
    rows += [(w["row"] or "文件", w["column"], w["value"], "提示：" + w["message"]) for w in batch.warnings]
    data = xlsx.table(
        ["行号", "列", "值", "原因"],
        rows,
        title=f"{batch.filename} 校验结果（{batch.get_status_display()}）",
        widths=[8, 22, 30, 80],
        text_columns=[2],
        sheet_name="错误清单",
    )
    return attachment(data, f"错误清单_{Path(batch.filename).stem}.xlsx")


def template_file(kind: str) -> tuple[bytes, str]:
    """The template workbook of a registered kind and its file name."""
    entry = registry.get(kind)
    filename = f"{entry.title}导入模板.xlsx"
    if entry.template is not None:  # a file that is not one record a row (a yearbook table)
        return entry.template(), filename
    data = xlsx.template(
        entry.importer.columns,
        title=f"{entry.title}导入模板",
        notes=entry.notes,
        text_keys=entry.text_keys,
        example_rows=entry.examples,
    )
    return data, filename


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    _business_user(request)
    if kind not in registry.names():
        raise Http404
    return attachment(*template_file(kind))
