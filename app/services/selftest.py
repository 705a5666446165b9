"""`vertrouwd self-test`: prove that this installed program works, end to end and headless.

Runs the real code paths on a throwaway register in a temporary folder: the production
key-derivation profile, SQLCipher 4, a contact moment written through CaseService and read
back after unlocking again, a signed quarterly file written and verified as a coordinator
would, the PDF overview, and (through a check the caller passes in, because the core never
imports Qt) a Qt widget shown offscreen. Written for the shipped bundle: a missing library or
data file shows up here as the step that failed.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from app import i18n, paths
from app.errors import AppError
from app.export import interchange
from app.i18n import N_, _
from app.models import database
from app.models.entities import ContactMoment
from app.models.keyfile import PRODUCTION_PROFILE
from app.models.periods import Quarter
from app.services.confidant import exporting
from app.services.confidant.cases import CaseService
from app.services.storage import vault

# A check of the program window; returns a short description (e.g. the Qt platform used).
GuiCheck = Callable[[], str]

COMPONENT = "CLAS"
CONTACT_MINUTES = (30, 15)  # the first contact opens the case, the second follows up


class StepFailed(Exception):
    """A check found something wrong; the message is shown after the step's name."""


@dataclass(frozen=True)
class StepResult:
    # step: a stable id, also for scripts: data-folder, languages, register, contact,
    # encryption, export, pdf, gui
    step: str
    status: str  # "ok" or "FAILED": every part of the program is shipped, none is optional
    detail: str

    def line(self) -> str:
        return f"{self.status} {self.step}: {self.detail}"


@dataclass
class _State:
    folder: Path
    passphrase: str
    today: dt.date
    register: vault.Register | None = None
    case_id: int | None = None
    export: exporting.ExportResult | None = None

    @property
    def open_register(self) -> vault.Register:
        assert self.register is not None
        return self.register


def _step_data_folder(_state: _State) -> str:
    # Reported, not written to: where this program keeps registers, settings and logs.
    folder = paths.user_data_dir()
    if paths.is_portable() and folder == paths.portable_data_dir():
        return _("{path} (portable)").format(path=folder)
    return str(folder)


def _step_languages(state: _State) -> str:
    # The bundle must carry both catalogues and babel's data for both languages.
    dates = []
    for lang in i18n.LANGUAGES:
        if not i18n.catalog_available(lang):
            raise StepFailed(_("the {lang} translations are missing").format(lang=lang))
        dates.append(i18n.translator(lang).format_date(state.today, "long"))
    return " / ".join(dates)


def _step_register(state: _State) -> str:
    started = time.perf_counter()
    register, _code = vault.create_register(
        state.folder / "register", state.passphrase, roles=("vp",), component=COMPONENT,
        params=PRODUCTION_PROFILE,
    )
    register.close()
    state.register = vault.unlock(state.folder / "register", state.passphrase)
    return _("created and unlocked again with the production key derivation "
             "({seconds:.1f} s)").format(seconds=time.perf_counter() - started)


def _step_contact(state: _State) -> str:
    service = CaseService(state.open_register, today=lambda: state.today)
    lists = service.lists
    mode, topic = lists.contact_modes[0].code, lists.topics[0].code
    first, follow_up = CONTACT_MINUTES
    change = service.open_case(on=state.today, minutes=first, mode=mode, topics=[topic])
    assert change.id is not None
    service.add_contact(change.id, on=state.today, minutes=follow_up, mode=mode)
    state.case_id = change.id
    # Read back from disk, not from memory: close, unlock, query.
    state.open_register.close()
    state.register = vault.unlock(state.folder / "register", state.passphrase)
    with state.open_register.session() as s:
        minutes = sorted(s.scalars(
            select(ContactMoment.minutes).where(ContactMoment.case_id == change.id)
        ))
    if minutes != sorted(CONTACT_MINUTES):
        raise StepFailed(_("read back {found} instead of {expected}").format(
            found=minutes, expected=sorted(CONTACT_MINUTES)))
    return _("case with two contact moments written and read back")


def _step_encryption(state: _State) -> str:
    conn = state.open_register.raw_connection()
    try:
        version = database.cipher_version(conn)
    finally:
        conn.close()
    if not version.startswith("4"):
        raise StepFailed(_("SQLCipher version is {version}, expected 4").format(version=version))
    with open(state.open_register.db_path, "rb") as fh:
        if fh.read(16) == b"SQLite format 3\x00":
            raise StepFailed(_("the database file is not encrypted"))
    return _("SQLCipher {version}, database file encrypted").format(version=version)


def _step_export(state: _State) -> str:
    quarter = Quarter.of(state.today)
    result = exporting.export_quarter(
        state.open_register, quarter, state.folder / "export", today=state.today)
    state.export = result
    verified = interchange.read_file(result.path.read_bytes(), today=state.today)
    if verified.sha256 != result.sha256:
        raise StepFailed(_("the file read back differs from the file written"))
    if verified.measures.minutes_contacts != sum(CONTACT_MINUTES):
        raise StepFailed(_("the file counts {n} minutes of contact instead of {expected}").format(
            n=verified.measures.minutes_contacts, expected=sum(CONTACT_MINUTES)))
    return _("quarter {quarter} written, signature and content verified").format(quarter=quarter)


def _step_pdf(state: _State) -> str:
    try:
        from app.services.confidant.quarter_overview import write_vp_quarter_pdf
    except ImportError as exc:  # a bundle without the PDF module or reportlab is broken
        raise StepFailed(_("the PDF part of the program is missing ({module})").format(
            module=exc.name or exc)) from None
    assert state.export is not None
    quarter = Quarter.of(state.today)
    path = state.folder / "export" / "overview.pdf"
    write_vp_quarter_pdf(state.open_register, quarter, state.export, path)
    with open(path, "rb") as fh:
        if fh.read(5) != b"%PDF-":
            raise StepFailed(_("the file written is not a PDF"))
    return _("quarter overview written ({size} bytes)").format(size=path.stat().st_size)


def _steps(gui_check: GuiCheck | None) -> Iterator[tuple[str, Callable[[_State], str]]]:
    yield "data-folder", _step_data_folder
    yield "languages", _step_languages
    yield "register", _step_register
    yield "contact", _step_contact
    yield "encryption", _step_encryption
    yield "export", _step_export
    yield "pdf", _step_pdf

    def step_gui(_state: _State) -> str:
        if gui_check is None:
            raise StepFailed(_("the program window cannot be checked when the self-test is "
                               "not started as `vertrouwd self-test`"))
        return gui_check()

    yield "gui", step_gui


def _describe(exc: BaseException) -> str:
    if isinstance(exc, AppError):
        return exc.message
    if isinstance(exc, StepFailed):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def run(
    out: TextIO, gui_check: GuiCheck | None, today: dt.date | None = None
) -> list[StepResult]:
    """Run every step in order, printing one line each; stops at the first failure.

    The temporary folder is removed afterwards; a folder that cannot be removed is a failure
    of the step "cleanup".
    """
    results: list[StepResult] = []

    def report(result: StepResult) -> None:
        results.append(result)
        print(result.line(), file=out, flush=True)

    with tempfile.TemporaryDirectory(prefix="vertrouwd-selftest-",
                                     ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        # A throwaway passphrase: long and random, so the passphrase policy accepts it.
        state = _State(folder=folder, passphrase="zelftest " + secrets.token_hex(12),
                       today=today or dt.date.today())
        try:
            for name, step in _steps(gui_check):
                try:
                    report(StepResult(name, "ok", step(state)))
                except Exception as exc:  # noqa: BLE001 - every failure is reported as a step
                    report(StepResult(name, "FAILED", _describe(exc)))
                    break
        finally:
            if state.register is not None:
                state.register.close()
    if folder.exists():
        report(StepResult("cleanup", "FAILED",
                          _("the temporary folder {path} could not be removed").format(
                              path=folder)))
    return results


def passed(results: list[StepResult]) -> bool:
    return bool(results) and all(r.status == "ok" for r in results)


SUMMARY_OK = N_("Self-test passed: this installation works.")
SUMMARY_FAILED = N_("Self-test failed at step {step}.")
