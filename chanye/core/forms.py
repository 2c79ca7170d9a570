"""Form helpers every app's forms share: Bootstrap classes on the widgets, and the messages of a service's refusal."""

from __future__ import annotations

from django import forms


def style(form: forms.Form) -> None:
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
