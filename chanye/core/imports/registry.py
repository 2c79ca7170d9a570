"""The import registry: which kinds of file can be imported, by whom, with which template and options.

core knows nothing concrete about enterprises, projects or chains: every app registers its own importers in its
`AppConfig.ready()`, and the import page, the template downloads, the batch list and `chanye import` read this
registry. Work that must follow a successful import of one kind but belongs to another app (recomputing the
indicators after monthly figures arrive) is registered as an `after_import` callback by that app — core calls
it without knowing what it does. No Django signals: the callbacks run in order, explicitly, after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chanye.core import access

if TYPE_CHECKING:
    from chanye.core.imports.base import Importer


@dataclass(frozen=True)
class ImportOption:
    """A choice the person importing makes (the page shows it as a select, `chanye import` as `--name`), passed to
    the importer in `options[name]`. `role_choices` narrows the choices for a role (an enterprise user only reports
    its own figures)."""

    name: str
    label: str
    choices: Sequence[tuple[str, str]]
    default: str
    help: str = ""
    role_choices: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)

    def choices_for(self, role: str | None) -> list[tuple[str, str]]:
        return list(self.role_choices.get(role or "", self.choices))


@dataclass(frozen=True)
class ImportKind:
    """One registered kind of import."""

    kind: str
    importer: type[Importer]
    label: str  # the option on the import page
    roles: frozenset[str]  # who may run it (the CLI's system user, None, may run every kind)
    notes: tuple[str, ...] = ()  # the template's instructions
    examples: tuple[Mapping[str, Any], ...] = ()  # example rows of the template, by column key
    text_keys: tuple[str, ...] = ()  # template columns formatted as text (codes Excel would spoil as numbers)
    template: Callable[[], bytes] | None = None  # a template of its own (a yearbook table is not one record a row)
    options: tuple[ImportOption, ...] = ()
    role_labels: Mapping[str, str] = field(default_factory=dict)  # the page option's label for a role
    order: int = 100

    @property
    def title(self) -> str:
        """The importer's own name (batch lists, template file names, refusals)."""
        return self.importer.title

    def label_for(self, role: str | None) -> str:
        return self.role_labels.get(role or "", self.label)

    def allows(self, user: Any) -> bool:
        """May `user` run this kind? The command line runs as the system (`access.system`), which may run every kind."""
        return access.has_role(user, self.roles)


class UnknownImportKind(KeyError):
    pass


_KINDS: dict[str, ImportKind] = {}
_AFTER: dict[str, list[Callable[[Importer, list[tuple[int, dict[str, Any]]]], None]]] = {}


def register(
    kind: str,
    importer: type[Importer],
    *,
    label: str,
    roles: Sequence[str],
    notes: Sequence[str] = (),
    examples: Sequence[Mapping[str, Any]] = (),
    text_keys: Sequence[str] = (),
    template: Callable[[], bytes] | None = None,
    options: Sequence[ImportOption] = (),
    role_labels: Mapping[str, str] | None = None,
    order: int = 100,
) -> ImportKind:
    """Register an importer under `kind` (called from an app's `AppConfig.ready`). Registering the same kind twice
    with the same importer is harmless (ready() can run twice in tests); with another importer it is a mistake."""
    if importer.kind != kind:
        raise ValueError(f"importer {importer.__name__} declares kind {importer.kind!r}, registered as {kind!r}")
    existing = _KINDS.get(kind)
    if existing is not None and existing.importer is not importer:
        raise ValueError(f"import kind {kind!r} is already registered by {existing.importer.__name__}")
    entry = ImportKind(
        kind=kind,
        importer=importer,
        label=label,
        roles=frozenset(str(r) for r in roles),
        notes=tuple(notes),
        examples=tuple(examples),
        text_keys=tuple(text_keys),
        template=template,
        options=tuple(options),
        role_labels=dict(role_labels or {}),
        order=order,
    )
    _KINDS[kind] = entry
    return entry


@dataclass(frozen=True)
class FileRunner:
    """A kind imported from a file on disk by a function of its own, for files too large to read into memory and check
    row by row in Python (invoice lines: 10⁷–10⁸ a file). `run(path, user=, dry_run=, progress=)` returns an outcome
    with `batch`, `errors` (dicts: row, column, value, message) and `summary`."""

    kind: str
    run: Callable[..., Any]
    label: str


_FILE_RUNNERS: dict[str, FileRunner] = {}


def register_file_runner(kind: str, run: Callable[..., Any], *, label: str) -> FileRunner:
    """Register a file runner under `kind` (from an app's `AppConfig.ready`); `chanye import KIND FILE` runs it."""
    if kind in _KINDS:
        raise ValueError(f"import kind {kind!r} is already registered as an importer")
    entry = FileRunner(kind, run, label)
    _FILE_RUNNERS[kind] = entry
    return entry


def file_runner(kind: str) -> FileRunner | None:
    return _FILE_RUNNERS.get(kind)


def file_runners() -> list[FileRunner]:
    return sorted(_FILE_RUNNERS.values(), key=lambda r: r.kind)


def get(kind: str) -> ImportKind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise UnknownImportKind(kind) from None


def kinds() -> list[ImportKind]:
    """Every registered kind, in page order (`order`, then name)."""
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.kind))


def names() -> list[str]:
    return [k.kind for k in kinds()]


def options() -> list[ImportOption]:
    """Every option any kind declares, once each by name (the page and the CLI offer them all)."""
    seen: dict[str, ImportOption] = {}
    for k in kinds():
        for o in k.options:
            seen.setdefault(o.name, o)
    return list(seen.values())


def after_import(kind: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Decorator: run the function after every successful (written, committed) import of `kind`, with the importer
    and its clean rows `[(row_number, data), …]`."""

    def deco(fn: Callable[..., None]) -> Callable[..., None]:
        callbacks = _AFTER.setdefault(kind, [])
        if fn not in callbacks:
            callbacks.append(fn)
        return fn

    return deco


def run_after_import(importer: Importer, rows: list[tuple[int, dict[str, Any]]]) -> None:
    for fn in _AFTER.get(importer.kind, []):
        fn(importer, rows)


def after_import_callbacks(kind: str) -> list[Callable[..., None]]:
    return list(_AFTER.get(kind, []))
