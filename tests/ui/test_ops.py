"""The runner from a window to a use case (app/ui/shared/ops.py, issue 21): off the GUI thread,
the error as the window's sentence, the change once, the lock waiting, one at a time, progress
with cancel; and the structure that keeps it the one way (one QThread, no object in a signal)."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.errors import AppError, FieldError, ReceiptUnknown
from app.services.changes import Change, ChangeKind
from app.services.storage import vault
from app.settings import Settings
from app.ui.register.application import AppController
from app.ui.shared.ops import ErrorLine, Ops, Progress, change_of
from app.ui.shared.signals import AppSignals
from app.ui.shared.worker import tasks_pending, tasks_running
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.gui
UI = Path(__file__).resolve().parents[2] / "app" / "ui"


class _Window(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.error_line = ErrorLine(self)
        self.changes: list[Change] = []
        self.field_label = QLabel(self)
        self.ops = Ops(self, self.error_line, self.changes.append, {"minutes": self.field_label})


@pytest.fixture
def window(qtbot: QtBot) -> _Window:
    w = _Window()
    qtbot.addWidget(w)
    w.show()
    return w


def test_work_runs_off_the_gui_thread_and_its_result_comes_back_on_it(window: _Window) -> None:
    threads: list[threading.Thread] = []
    results: list[tuple[int, threading.Thread]] = []
    task = window.ops.run(lambda: threads.append(threading.current_thread()) or 7,
                          lambda r: results.append((r, threading.current_thread())))
    assert task is not None
    window.ops.wait()
    assert threads[0] is not threading.main_thread()
    assert results == [(7, threading.main_thread())]
    assert not window.ops.busy


def test_an_error_becomes_the_windows_sentence_with_its_accessible_description(
        window: _Window) -> None:
    def fails() -> None:
        raise ReceiptUnknown(quarter="2026-Q3")

    window.ops.run(fails, lambda _r: pytest.fail("no result after an error"))
    window.ops.wait()
    sentence = ReceiptUnknown(quarter="2026-Q3").message
    assert window.error_line.sentence() == sentence and "2026-Q3" in sentence
    assert window.error_line.accessibleDescription() == sentence
    assert window.changes == []
    # the next start clears it
    window.ops.run(lambda: None)
    assert window.error_line.sentence() == ""
    window.ops.wait()


def test_an_unexpected_exception_is_a_sentence_too_never_a_traceback(window: _Window) -> None:
    window.ops.run(lambda: 1 / 0)
    window.ops.wait()
    assert window.error_line.sentence() == AppError().message
    assert "ZeroDivision" not in window.error_line.sentence()


def test_a_field_error_goes_under_its_field(window: _Window) -> None:
    def fails() -> None:
        raise FieldError("minutes", "Gebruik alleen de cijfers 0 tot en met 9.")

    assert window.ops.attempt(fails) is False
    assert window.field_label.text() == "Gebruik alleen de cijfers 0 tot en met 9."
    assert not window.field_label.isHidden() and window.error_line.sentence() == ""


@pytest.mark.parametrize("result", [
    Change.of(ChangeKind.ROSTER),
    pytest.param("result", id="result-with-change"),
])
def test_the_change_is_emitted_exactly_once(window: _Window, result: object) -> None:
    class Done:
        change = Change.of(ChangeKind.EXPORTS)

    value = Done() if result == "result" else result
    done: list[object] = []
    window.ops.run(lambda: value, done.append)
    window.ops.wait()
    QApplication.processEvents()
    assert done == [value]
    assert window.changes == [change_of(value)] and len(window.changes) == 1
    assert window.ops.now(lambda: value) is value
    assert len(window.changes) == 2  # the quick path emits once as well


def test_a_second_start_is_refused_while_busy(window: _Window) -> None:
    release = threading.Event()
    runs: list[int] = []
    first = window.ops.run(lambda: release.wait(10) and runs.append(1))
    assert first is not None and window.ops.busy
    assert window.ops.run(lambda: runs.append(2)) is None
    assert window.ops.now(lambda: runs.append(3)) is None
    release.set()
    window.ops.wait()
    assert runs == [1]
    assert window.ops.run(lambda: runs.append(4)) is not None
    window.ops.wait()
    assert runs == [1, 4]


def test_progress_and_cancel(window: _Window, qtbot: QtBot) -> None:
    started, release = threading.Event(), threading.Event()

    def long_work(progress: Progress) -> str:
        for i in range(1, 1001):
            progress.report(i, 1000)
            if i == 10:
                started.set()
                release.wait(10)
            if progress.cancelled:
                return f"stopped at {i}"
        return "all"

    outcome: list[str] = []
    task = window.ops.run_with_progress(long_work, outcome.append, title="T", label="L")
    assert task is not None and window.ops.progress_dialog is not None
    assert started.wait(10)
    qtbot.waitUntil(lambda: window.ops.progress_dialog.value() == 10, timeout=5_000)
    window.ops.progress_dialog.canceled.emit()  # what its Cancel button does
    release.set()
    window.ops.wait()
    assert outcome == ["stopped at 10"]
    assert window.ops.progress_dialog is None and window.ops.progress is None


def test_the_automatic_lock_waits_while_work_runs(
        qtbot: QtBot, register_dir: Path, tmp_path: Path) -> None:
    controller = AppController(QApplication.instance(), Settings(), tmp_path / "settings.json",
                               register_dir, AppSignals(), idle_ms=60_000)
    try:
        controller.start(vault.unlock(register_dir, PASSPHRASE))
        window = controller.main_window
        assert window is not None and not controller.is_locked
        release = threading.Event()
        assert window.ops.run(lambda: release.wait(10)) is not None
        assert tasks_running()
        controller.lock()
        assert not controller.is_locked  # postponed: the work holds the register
        release.set()
        window.ops.wait()
        assert not tasks_running()
        controller.lock()
        assert controller.is_locked
    finally:
        controller.dispose()


# --- structure ---------------------------------------------------------------------------------
def _modules(root: Path = UI) -> list[tuple[str, ast.Module]]:
    return [(p.relative_to(root).as_posix(), ast.parse(p.read_text(encoding="utf-8")))
            for p in sorted(root.rglob("*.py"))]


def test_a_window_deleted_while_its_work_runs_lets_the_work_end_and_tells_no_one(
        qtbot: QtBot) -> None:
    """A window closed (and deleted) during its save: the thread must not be destroyed while
    it runs (that aborts the process), the work ends, nothing is delivered to the dead window,
    and automatic garbage collection comes back on."""
    import gc

    import shiboken6

    w = _Window()
    release = threading.Event()
    ran: list[str] = []
    delivered: list[object] = []

    def work() -> int:
        release.wait(10)
        ran.append("done")
        return 1

    task = w.ops.run(work, delivered.append)
    assert task is not None and tasks_running() and not gc.isenabled()
    shiboken6.delete(w)  # what a parent's deletion or qtbot's teardown does to the window
    assert not shiboken6.isValid(w.error_line)
    release.set()
    qtbot.waitUntil(lambda: not tasks_running() and not tasks_pending(), timeout=10_000)
    assert ran == ["done"] and delivered == []
    assert gc.isenabled()


def test_one_thread_mechanism_and_no_object_crosses_threads_in_a_signal() -> None:
    """worker.Task is the only QThread (and threading.Thread only preloads imports); it
    declares no signal of its own, so its outcome is read on the GUI thread after `finished`."""
    threads, task_signals = [], []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                    ast.unparse(b).endswith("QThread") for b in node.bases):
                threads.append(f"{name}:{node.name}")
                task_signals += [ast.unparse(s) for s in node.body
                                 if "Signal(" in ast.unparse(s)]
    assert threads == ["shared/worker.py:Task"]
    assert task_signals == []


def test_except_app_error_lives_in_the_runner() -> None:
    places = sorted(
        name for name, tree in _modules() for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and node.type is not None
        and "AppError" in ast.unparse(node.type))
    assert places == ["register/application.py", "shared/ops.py", "shared/worker.py"]


# The calls that run work off the GUI thread (``now``/``attempt`` run it on the GUI thread: a
# writing use case handed to them is found like a direct call).
RUNNER_CALLS = {"run", "run_with_progress", "start"}
FORM_DIALOGS = {"CloseCaseDialog", "EditCaseDialog", "ContactDialog"}  # accept() runs ops


def _service_receivers(tree: ast.Module) -> set[str]:
    """Names in a UI module that stand for a service: imported service modules and the case
    service (``service``, ``self.service``)."""
    names = {"service", "self.service"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app.services"):
            names |= {a.asname or a.name for a in node.names}
    return names


def _through_the_runner(call: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """The call sits in a lambda or a nested function handed to the runner (or to a form
    dialog, whose accept() runs it through the runner)."""
    node: ast.AST = call
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Lambda | ast.FunctionDef):
            holder = parents.get(node)
            if isinstance(node, ast.FunctionDef):
                # a nested def: handed on by name somewhere in the function around it
                outer = holder
                while outer is not None and not isinstance(outer, ast.FunctionDef):
                    outer = parents.get(outer)
                if outer is None:
                    return False
                for use in ast.walk(outer):
                    if isinstance(use, ast.Call) and _hands_to_runner(use) and any(
                            isinstance(a, ast.Name) and a.id == node.name
                            for a in [*use.args, *(k.value for k in use.keywords)]):
                        return True
                continue
            if isinstance(holder, ast.Call) and _hands_to_runner(holder):
                return True
            if isinstance(holder, ast.keyword) and isinstance(parents.get(holder), ast.Call) \
                    and _hands_to_runner(parents[holder]):  # type: ignore[arg-type]
                return True
    return False


def _hands_to_runner(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr in RUNNER_CALLS
    return isinstance(func, ast.Name) and func.id in FORM_DIALOGS


def _direct_writes(root: Path = UI) -> list[str]:
    from tests.services.test_changes import NOT_A_USE_CASE, _public, _writers

    writer_names = {name.rsplit(".", 1)[-1] for name in _writers()
                    if _public(name) and name not in NOT_A_USE_CASE}
    found = []
    for name, tree in _modules(root):
        receivers = _service_receivers(tree)
        parents = {child: parent for parent in ast.walk(tree)
                   for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(tree):
            # a call ``service.delete_case(...)`` or the function itself handed on
            # (``ops.now(service.undo)``): only ``ops.run(service.undo)`` leaves the GUI thread
            if not (isinstance(node, ast.Attribute) and node.attr in writer_names
                    and ast.unparse(node.value) in receivers):
                continue
            parent = parents.get(node)
            if isinstance(parent, ast.Call) and node in parent.args and _hands_to_runner(parent):
                continue
            if not _through_the_runner(node, parents):
                found.append(f"{name}:{node.lineno} {ast.unparse(node)}")
    return sorted(found, key=lambda f: int(f.split(":")[1].split()[0]))


def test_no_window_calls_a_writing_use_case_except_through_the_runner() -> None:
    assert _direct_writes() == []


def test_the_check_sees_a_write_on_the_gui_thread(tmp_path: Path) -> None:
    """A window that called a writing use case itself, or through ``now``/``attempt`` (the
    GUI thread), would be found; through ``run`` (also by name, or a nested function handed
    to it) it is not."""
    bad = tmp_path / "_probe_direct_write.py"
    bad.write_text(
        "from app.services.coordination import receipts\n\n\n"
        "def f(register, path):\n    return receipts.import_receipt(register, path)\n\n\n"
        "def g(ops, register, path):\n"
        "    ops.now(lambda: receipts.import_receipt(register, path))\n"
        "    ops.attempt(lambda: receipts.import_receipt(register, path))\n"
        "    ops.now(self.service.undo)\n"
        "    ops.run(self.service.undo)\n"
        "    ops.run(lambda: receipts.import_receipt(register, path))\n\n"
        "    def write():\n        return self.service.delete_case(1)\n\n"
        "    ops.run(write, print)\n",
        encoding="utf-8")
    assert _direct_writes(tmp_path) == [
        "_probe_direct_write.py:5 receipts.import_receipt",
        "_probe_direct_write.py:9 receipts.import_receipt",
        "_probe_direct_write.py:10 receipts.import_receipt",
        "_probe_direct_write.py:11 self.service.undo"]


def test_a_prepared_application_gets_the_interpreter_back_within_a_millisecond(qapp) -> None:
    """A task computing in Python hands the interpreter to the GUI thread after the switch
    interval; Python's 5 ms let a report hold the window still for 60-100 ms (make bench,
    gui-thread). The program's own preparation sets 1 ms."""
    import sys

    from app.ui.shared.appearance import GUI_SWITCH_INTERVAL, prepare_application

    prepare_application(qapp)
    assert GUI_SWITCH_INTERVAL <= 0.001
    assert sys.getswitchinterval() == pytest.approx(GUI_SWITCH_INTERVAL)
