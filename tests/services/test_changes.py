"""Every use case that writes says what it changed (issue 21): a public function of app/services
that opens a register session and writes in it (or calls one that does) returns a `Change`, or a
result whose class carries one as ``change``. The windows only hand it on."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from app.services.changes import EVERYTHING, Change, ChangeKind
from app.services.confidant.csv_import import CsvImportResult
from app.services.confidant.exporting import ExportResult, HistoryRow
from app.services.coordination.forwarding import ForwardResult
from app.services.coordination.importing import ImportResult
from app.services.coordination.period_plan import AnnualWritten
from app.services.coordination.publications import Published
from app.services.coordination.roster import RosterMember
from app.services.storage.backup import Restored
from app.services.storage.relocation import MoveResult
from app.services.storage.retention import RetentionResult
from app.services.storage.vault import RecoveryCode

SERVICES = Path(__file__).resolve().parents[2] / "app" / "services"
WRITES = {"add", "add_all", "delete", "merge"}  # Session methods that write
STATEMENTS = {"insert", "update", "delete"}  # sqlalchemy statements

# Writers that are no use case of a window, each with its reason.
NOT_A_USE_CASE = {
    "revisions.issue_revision": "one step of export_quarter and forward, which say it",
    "confidant/coordinator_link.import_recipient_card": "check and keep in one, for tests; the "
                                                        "window and the CLI call both",
    "confidant/cases.CaseService.audit": "the register's own log line; no view shows it",
    "storage/drafts.store_draft": "unsaved input kept while locked; no view shows it",
    "storage/drafts.take_stored_draft": "the same draft, taken back",
    "demo.build_demo_register": "fills a new demo register before any window shows it",
    "storage/vault.create_register": "a new register, before any window shows it",
    "storage/vault.unlock": "opens a register (an old one migrated first) before any window "
                            "shows it",
    "storage/vault.unlock_with_recovery": "the same, with the recovery code",
    "storage/backup.create_backup": "a copy of the register in the backup folder: the register "
                                    "and its views are unchanged",
    "storage/backup.backup_before_migration": "the same copy, before a migration",
    "storage/backup.rotate": "removes old copies from the backup folder; the register is "
                             "unchanged",
    "storage/relocation.move_backups": "one step of move_register, which says it",
}


@dataclass
class _Function:
    name: str  # module/path.Class.function, relative to app/services
    node: ast.FunctionDef
    calls: set[str] = field(default_factory=set)
    writes: bool = False


def _writes_in_session(fn: ast.FunctionDef) -> bool:
    for with_node in (n for n in ast.walk(fn) if isinstance(n, ast.With)):
        sessions = {item.optional_vars.id for item in with_node.items
                    if isinstance(item.context_expr, ast.Call)
                    and isinstance(item.context_expr.func, ast.Attribute)
                    and item.context_expr.func.attr == "session"
                    and isinstance(item.optional_vars, ast.Name)}
        if not sessions:
            continue
        for node in (n for stmt in with_node.body for n in ast.walk(stmt)):
            if isinstance(node, ast.Call):
                func = node.func
                if (isinstance(func, ast.Attribute) and func.attr in WRITES
                        and isinstance(func.value, ast.Name) and func.value.id in sessions):
                    return True
                if isinstance(func, ast.Name) and func.id in STATEMENTS:
                    return True
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AugAssign) else [])
            if any(isinstance(t, ast.Attribute) and not (
                    isinstance(t.value, ast.Name) and t.value.id in ("self", "cls"))
                   for t in targets):
                return True
    return False


# Calls that write the register's own files outside a session: its database and key file put
# in place (restore, relocation: ``os.replace``, copies into the register folder) and its key
# file saved (a new passphrase or recovery code: ``key_file.save(key_path(folder))``).
FILE_WRITES = {"os.replace", "shutil.copyfile", "shutil.copytree", "shutil.move"}


def _writes_register_files(fn: ast.FunctionDef, atomic: set[str]) -> bool:
    """``atomic``: the names the module imports from app.atomic (its ``replace``)."""
    for node in ast.walk(fn):
        if not isinstance(node, ast.Call):
            continue
        if ast.unparse(node.func) in FILE_WRITES | atomic:
            return True
        if (isinstance(node.func, ast.Attribute) and node.func.attr == "save" and node.args
                and isinstance(node.args[0], ast.Call)
                and ast.unparse(node.args[0].func) == "key_path"):
            return True
    return False


def _called_names(fn: ast.FunctionDef) -> set[str]:
    names = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                names.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                names.add(node.func.attr)
    return names


def _functions() -> dict[str, _Function]:
    found: dict[str, _Function] = {}
    for path in sorted(SERVICES.rglob("*.py")):
        module = path.relative_to(SERVICES).with_suffix("").as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        atomic = {alias.asname or alias.name for node in tree.body
                  if isinstance(node, ast.ImportFrom) and node.module == "app.atomic"
                  for alias in node.names if alias.name == "replace"}
        scopes: list[tuple[str, list[ast.stmt]]] = [(module, tree.body)]
        scopes += [(f"{module}.{c.name}", c.body) for c in tree.body
                   if isinstance(c, ast.ClassDef)]
        for prefix, body in scopes:
            for node in body:
                if isinstance(node, ast.FunctionDef):
                    found[f"{prefix}.{node.name}"] = _Function(
                        f"{prefix}.{node.name}", node, _called_names(node),
                        _writes_in_session(node) or _writes_register_files(node, atomic))
    return found


def _writers() -> dict[str, _Function]:
    """Functions that write, directly or through a function of app/services they call."""
    functions = _functions()
    by_short: dict[str, list[_Function]] = {}
    for fn in functions.values():
        by_short.setdefault(fn.node.name, []).append(fn)
    changed = True
    while changed:
        changed = False
        for fn in functions.values():
            if fn.writes:
                continue
            if any(other.writes for name in fn.calls for other in by_short.get(name, ())
                   if other is not fn):
                fn.writes = changed = True
    return {name: fn for name, fn in functions.items() if fn.writes}


def _public(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split("/")[-1].split("."))


def _says_what_changed(fn: ast.FunctionDef, classes: set[str]) -> bool:
    returns = ast.unparse(fn.returns) if fn.returns else ""
    return returns in ("Change", "Change | None") or returns.rsplit(".", 1)[-1] in classes


def _classes_with_a_change() -> set[str]:
    names = set()
    for path in SERVICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                    and s.target.id == "change" for s in node.body):
                names.add(node.name)
    return names


def test_every_public_writer_returns_what_it_changed() -> None:
    classes = _classes_with_a_change()
    writers = {name: fn for name, fn in _writers().items() if _public(name)}
    silent = sorted(name for name, fn in writers.items()
                    if name not in NOT_A_USE_CASE and not _says_what_changed(fn.node, classes))
    assert silent == [], "these write but do not return a Change (or a result with .change)"
    assert set(NOT_A_USE_CASE) <= set(writers), "an exemption that no longer writes: remove it"


def test_the_finder_sees_the_writes_it_must() -> None:
    """The check above is only as good as its finder: the known use cases are found."""
    writers = set(_writers())
    for name in ("confidant/cases.CaseService.open_case", "confidant/exporting.export_quarter",
                 "storage/backup.restore", "storage/relocation.move_register",
                 "storage/vault.change_passphrase", "storage/vault.set_new_passphrase",
                 "storage/vault.create_recovery_code", "coordination/publications.publish",
                 "coordination/period_plan.publish_report", "coordination/period_plan.write_annual",
                 "confidant/coordinator_link.import_receipt",
                 "confidant/coordinator_link.keep_recipient_card",
                 "coordination/importing.apply_import", "coordination/forwarding.forward",
                 "coordination/roster.add_card", "coordination/roster.set_nickname",
                 "coordination/roster.deactivate", "storage/retention.apply_retention",
                 "confidant/csv_import.import_csv"):
        assert name in writers, name
    for name in ("confidant/queries.case_page", "coordination/roster.list_members",
                 "confidant/exporting.preview"):
        assert name not in writers, name


def test_each_result_says_what_a_view_must_refresh() -> None:
    expected = {
        ExportResult: {ChangeKind.EXPORTS}, HistoryRow: {ChangeKind.EXPORTS},
        ImportResult: {ChangeKind.SUBMISSIONS}, ForwardResult: {ChangeKind.SUBMISSIONS},
        RosterMember: {ChangeKind.ROSTER}, RetentionResult: {ChangeKind.CASES},
        CsvImportResult: {ChangeKind.CASES, ChangeKind.CONTACTS, ChangeKind.ACTIVITIES},
        Published: {ChangeKind.PUBLICATIONS}, AnnualWritten: {ChangeKind.PUBLICATIONS},
        RecoveryCode: {ChangeKind.KEYS}, Restored: EVERYTHING, MoveResult: EVERYTHING,
    }
    for cls, kinds in expected.items():
        assert isinstance(cls.change, Change) and cls.change.kinds == kinds, cls
