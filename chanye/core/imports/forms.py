"""The upload form of the import page, built from the registry (the kinds and options the user's role may use)."""

from __future__ import annotations

from typing import Any

from django import forms

from chanye.core.forms import UploadForm
from chanye.core.imports import registry


class ImportForm(UploadForm):
    kind = forms.ChoiceField(label="数据类型")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = getattr(user, "role", None)
        self.kinds = [k for k in registry.kinds() if k.allows(user)]
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(k.kind, k.label_for(role)) for k in self.kinds]
        self.option_names: list[str] = []
        for o in registry.options():
            self.fields[o.name] = forms.ChoiceField(
                label=o.label, choices=o.choices_for(role), initial=o.default, required=False
            )
            self.option_names.append(o.name)
        self.order_fields(["kind", "file", *self.option_names, "dry_run"])

    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.option_names]

    def options(self) -> dict[str, Any]:
        """The chosen options (for the importer's `options`)."""
        return {name: self.cleaned_data.get(name) or None for name in self.option_names}
