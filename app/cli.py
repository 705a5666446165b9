"""The command line: the same services as the GUI, no Qt.

Exit codes: 0 success, 2 a user error (one clear line, no traceback), 1 an unexpected error
(details go to the log file, never a passphrase or case text).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import getpass
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

# Only what every command needs is imported here: each command imports the rest (the
# database stack, the vault, backups, reports) when it runs, so `--version`, `--help` and a
# refused argument start fast (tests/test_cli_imports.py).
from app import __version__, paths
from app.errors import (
    AppError,
    KeyFileDamaged,
    KeyFileWeakened,
    RegisterDamaged,
    ValidationError,
)
from app.i18n import N_, _, set_language
from app.models import codelists, register_files
from app.models.roles import ROLES
from app.settings import Settings

if TYPE_CHECKING:
    from app.services.storage.vault import Register

log = logging.getLogger("vertrouwd.cli")

EXIT_OK, EXIT_UNEXPECTED, EXIT_USER = 0, 1, 2


@dataclass
class Context:
    args: argparse.Namespace
    settings: Settings
    out: TextIO
    err: TextIO
    # The self-test's look at the program window; app.main passes it in (this module has no Qt).
    gui_check: Callable[[], str] | None = None

    @property
    def register_dir(self) -> Path:
        if self.args.register:
            return Path(self.args.register)
        if self.settings.register_dir:
            return Path(self.settings.register_dir)
        return paths.default_register_dir()

    @property
    def backup_dir(self) -> Path:
        if getattr(self.args, "out", None) and self.args.command == "backup":
            return Path(self.args.out)
        if self.settings.backup_dir:
            return Path(self.settings.backup_dir)
        return paths.default_backup_dir()

    def say(self, text: str) -> None:
        print(text, file=self.out)

    # Passphrases: from a file or an interactive prompt, never from an argument.
    def passphrase(self, prompt: str | None = None) -> str:
        if self.args.passphrase_file:
            return _read_secret_file(Path(self.args.passphrase_file))
        return getpass.getpass((prompt or _("Passphrase")) + ": ")

    def new_passphrase(self) -> str:
        source = getattr(self.args, "new_passphrase_file", None)
        if source:
            return _read_secret_file(Path(source))
        first = getpass.getpass(_("New passphrase") + ": ")
        second = getpass.getpass(_("Repeat the new passphrase") + ": ")
        if first != second:
            raise ValidationError(N_("The two passphrases are not the same."))
        return first

    def unlock(self) -> Register:
        from app.services.storage import vault

        return vault.unlock(self.register_dir, self.passphrase())


def _read_secret_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            N_("The passphrase file {path} cannot be read."), path=str(path)
        ) from exc
    return text[:-1] if text.endswith("\n") else text


Handler = Callable[[Context], int]
_HANDLERS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    def decorate(fn: Handler) -> Handler:
        _HANDLERS[name] = fn
        return fn

    return decorate


# --- the register: create, unlock, passphrase, recovery, verify, backup, restore, CSV import -
@command("init")
def cmd_init(ctx: Context) -> int:
    from app.services.storage import vault

    folder = ctx.register_dir
    if register_files.register_exists(folder):
        raise AppError(N_("A register already exists at {path}."), path=str(folder))
    if ctx.args.passphrase_file:
        passphrase = ctx.passphrase()
    else:
        passphrase = getpass.getpass(_("Passphrase") + ": ")
        if getpass.getpass(_("Repeat the passphrase") + ": ") != passphrase:
            raise ValidationError(N_("The two passphrases are not the same."))
    roles = tuple(ctx.args.role or _default_roles(ctx.args.component))
    register, code = vault.create_register(
        folder, passphrase, roles=roles, component=ctx.args.component,
        with_recovery=ctx.args.recovery,
        codelist_version=ctx.args.codelist or codelists.CURRENT_VERSION,
    )
    try:
        profile = register.profile()
        assert profile is not None
        ctx.say(_("Register created at {path}. Your pseudonymous code is {code}.").format(
            path=folder, code=profile.code))
        if code:
            ctx.say(_("Recovery code (print it, seal it, keep it apart from the laptop; "
                      "it is shown only once): {code}").format(code=code))
    finally:
        register.close()
    return EXIT_OK


def _default_roles(component: str) -> list[str]:
    from app.models.roles import CENTRAL_COMPONENT

    return ["central"] if component.casefold() == CENTRAL_COMPONENT.casefold() else ["vp"]


@command("unlock-check")
def cmd_unlock_check(ctx: Context) -> int:
    register = ctx.unlock()
    try:
        profile = register.profile()
        ctx.say(_("The register opens with this passphrase ({code}).").format(
            code=profile.code if profile else "?"))
    finally:
        register.close()
    return EXIT_OK


@command("passphrase")
def cmd_passphrase(ctx: Context) -> int:
    from app.services.storage import vault

    old = ctx.passphrase(_("Current passphrase"))
    new = ctx.new_passphrase()
    vault.change_passphrase(ctx.register_dir, old, new)
    ctx.say(_("The passphrase was changed."))
    return EXIT_OK


@command("recovery-code")
def cmd_recovery_code(ctx: Context) -> int:
    from app.services.storage import vault

    register = ctx.unlock()
    try:
        code = vault.create_recovery_code(register).code
    finally:
        register.close()
    ctx.say(_("New recovery code (any earlier code no longer works): {code}").format(code=code))
    return EXIT_OK


@command("verify")
def cmd_verify(ctx: Context) -> int:
    from app.services.storage import vault

    register = ctx.unlock()
    try:
        problems = vault.verify(register)
    finally:
        register.close()
    if problems:
        ctx.say(_("The register has {n} problem(s). Restore it from a backup.").format(
            n=len(problems)))
        return EXIT_USER
    ctx.say(_("The register is intact and encrypted with SQLCipher 4."))
    return EXIT_OK


@command("backup")
def cmd_backup(ctx: Context) -> int:
    from app.services.storage import backup as backup_service

    register = ctx.unlock()
    try:
        path = backup_service.create_backup(
            register, ctx.backup_dir, ctx.args.generations or ctx.settings.backup_generations
        )
    finally:
        register.close()
    ctx.say(_("Encrypted backup written and verified: {path}").format(path=path))
    return EXIT_OK


@command("restore")
def cmd_restore(ctx: Context) -> int:
    from app.services.storage import backup as backup_service

    aside = backup_service.restore(ctx.register_dir, Path(ctx.args.backup),
                                   ctx.passphrase()).aside
    ctx.say(_("The register was restored from the backup."))
    if aside:
        ctx.say(_("The previous register was kept at {path}.").format(path=aside))
    return EXIT_OK


@command("import-csv")
def cmd_import_csv(ctx: Context) -> int:
    from app.services.confidant.csv_import import import_csv

    register = ctx.unlock()
    try:
        result = import_csv(register, Path(ctx.args.file))
    finally:
        register.close()
    ctx.say(_("Imported {cases} cases, {contacts} contact moments and {activities} "
              "activities.").format(cases=result.cases, contacts=result.contacts,
                                   activities=result.activities))
    return EXIT_OK


def _offer_restore(ctx: Context) -> None:
    """A damaged register: name the newest backup and the command that restores it."""
    from app.services.storage import backup as backup_service

    try:
        found = backup_service.list_backups(ctx.backup_dir)
    except OSError:
        found = []
    if not found:
        print(_("No backup was found in {folder}. If you keep backups elsewhere, restore one "
                "with: vertrouwd restore BACKUP_FOLDER").format(folder=ctx.backup_dir),
              file=ctx.err)
        return
    print(_("The newest backup is {path} ({count} in {folder}). Restore it with: vertrouwd "
            "restore \"{path}\"").format(path=found[0].path, count=len(found),
                                         folder=ctx.backup_dir), file=ctx.err)


# argparse's own words, in the user's language too: argparse looks each one up through its
# module's `_` when it needs it, which build_parser points at our catalogues.
ARGPARSE_WORDS = (
    N_("usage: "), N_("positional arguments"), N_("options"),
    N_("show this help message and exit"), N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unrecognized arguments: %s"), N_("expected one argument"),
    N_("argument %(argument_name)s: %(message)s"), N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


def build_parser() -> argparse.ArgumentParser:
    argparse._ = _  # type: ignore[attr-defined]
    parser = argparse.ArgumentParser(
        prog="vertrouwd",
        description=_("Vertrouwd: encrypted register and quarterly reports for confidants. "
                      "Without a command the program window opens."),
    )
    parser.add_argument("--version", action="version", version=f"Vertrouwd {__version__}")
    parser.add_argument("--register", metavar="PATH", help=_("register folder"))
    parser.add_argument("--passphrase-file", metavar="FILE",
                        help=_("read the passphrase from this file instead of a prompt"))
    parser.add_argument("--lang", choices=["nl", "en"], help=_("language"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help=_("create a new register"))
    p.add_argument("--component", required=True,
                   help=_("defence component, e.g. CLAS (any case), or DEFENSIE for the "
                          "central role"))
    p.add_argument("--role", action="append", choices=ROLES,
                   help=_("role (repeatable; default vp, or central with DEFENSIE)"))
    p.add_argument("--recovery", action="store_true", help=_("also create a recovery code"))
    p.add_argument("--codelist", metavar="VERSION",
                   help=_("topic list version, for entering historic registrations (default: "
                          "the current one; known: {versions})").format(
                              versions=", ".join(codelists.known_versions())))
    sub.add_parser("unlock-check", help=_("check that the passphrase opens the register"))
    p = sub.add_parser("passphrase", help=_("change the passphrase"))
    p.add_argument("action", choices=["change"])
    p.add_argument("--new-passphrase-file", metavar="FILE")
    sub.add_parser("recovery-code", help=_("create a new recovery code"))
    sub.add_parser("verify", help=_("check integrity and encryption"))
    p = sub.add_parser("backup", help=_("write a verified encrypted backup"))
    p.add_argument("--out", metavar="DIR", help=_("backup folder"))
    p.add_argument("--generations", type=int, help=_("backups to keep"))
    p = sub.add_parser("restore", help=_("restore the register from a backup folder"))
    p.add_argument("backup", metavar="BACKUP_DIR")
    p = sub.add_parser("import-csv", help=_("import registrations from a CSV file"))
    p.add_argument("file", metavar="FILE")
    for extend in _PARSER_EXTENSIONS:
        extend(sub)
    return parser


# Other modules add their commands here (keeps this file from growing without bound).
_PARSER_EXTENSIONS: list[Callable[[argparse._SubParsersAction], None]] = []  # type: ignore[type-arg]


def main(argv: list[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None, *, gui_check: Callable[[], str] | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    settings = Settings.load(paths.settings_file())
    set_language(settings.language)
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--lang" in argv:
        i = argv.index("--lang")
        if i + 1 < len(argv):
            set_language(argv[i + 1])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)
    if not args.command:
        parser.print_help(out)
        return EXIT_USER
    from app.logging_setup import setup_logging

    with contextlib.suppress(OSError):
        setup_logging(paths.log_dir())
    ctx = Context(args=args, settings=settings, out=out, err=err, gui_check=gui_check)
    try:
        code = _HANDLERS[args.command](ctx)
        log.info("command %s finished with %s", args.command, code)
        return code
    except AppError as exc:
        log.info("command %s refused: %s", args.command, type(exc).__name__)
        print(exc.message, file=err)
        if isinstance(exc, (RegisterDamaged, KeyFileDamaged, KeyFileWeakened)):
            _offer_restore(ctx)
        return EXIT_USER
    except KeyboardInterrupt:
        print(_("Cancelled. Nothing was changed."), file=err)
        return EXIT_USER
    except Exception:
        log.exception("unexpected error in command %s", args.command)
        print(_("An unexpected error occurred; details are in the log file {path}.").format(
            path=paths.log_dir() / "vertrouwd.log"), file=err)
        return EXIT_UNEXPECTED


# --- the confidant's quarterly file, enrolment cards, receipts -----------------------------
@command("export")
def cmd_export(ctx: Context) -> int:
    from app.models.periods import Quarter
    from app.services.confidant import exporting

    if ctx.args.pdf:  # refused before the quarterly file is written, not after
        from app.files import refuse_existing

        refuse_existing(Path(ctx.args.pdf))
    register = ctx.unlock()
    try:
        today = dt.date.today()
        quarter = (
            Quarter.parse(ctx.args.quarter)
            if ctx.args.quarter
            else exporting.default_quarter(today)
        )
        exporting.check_begun(quarter, today)  # a clock years behind: said before anything
        view = exporting.preview(register, quarter, today)
        for msgid, params in view.warnings:
            print(_("Warning: ") + _(msgid).format(**params), file=ctx.err)
        result = exporting.export_quarter(register, quarter, Path(ctx.args.out), today=today)
        pdf_error = None
        if ctx.args.pdf:
            from app.errors import ExportPdfNotWritten
            from app.services.confidant.quarter_overview import write_vp_quarter_pdf

            try:
                write_vp_quarter_pdf(register, quarter, result, Path(ctx.args.pdf))
            except AppError as exc:  # the file is written and recorded: say so, truthfully
                pdf_error = ExportPdfNotWritten(revision=result.revision, path=str(result.path),
                                                reason=exc.reason)
    finally:
        register.close()
    ctx.say(_("Quarter {quarter}, revision {revision}{nil}: {path}").format(
        quarter=quarter, revision=result.revision, path=result.path,
        nil=_(" (nil return)") if view.nil_return else ""))
    ctx.say(_("File fingerprint: {fp}").format(fp=result.fingerprint))
    if pdf_error is not None:
        print(pdf_error.message, file=ctx.err)
        return EXIT_USER
    return EXIT_OK


@command("card")
def cmd_card(ctx: Context) -> int:
    from app.services.confidant import exporting

    register = ctx.unlock()
    try:
        path = exporting.write_own_card(register, Path(ctx.args.out))
        groups = exporting.own_fingerprint_groups(register)
    finally:
        register.close()
    ctx.say(_("Enrolment card written: {path}").format(path=path))
    ctx.say(_("Fingerprint (compare it by phone): {fp}").format(fp=groups))
    return EXIT_OK


@command("card-import")
def cmd_card_import(ctx: Context) -> int:
    """A card that gives a known coordinator code another key is refused (exit 2, both
    fingerprints named) unless --replace is given; with it, both fingerprints are printed."""
    from app.errors import CoordinatorKeyChanged
    from app.services.confidant import coordinator_link

    register = ctx.unlock()
    try:
        card = coordinator_link.check_recipient_card_file(register, Path(ctx.args.file))
        change = coordinator_link.key_change(register, card)
        try:
            coordinator_link.keep_recipient_card(register, card, replace=ctx.args.replace)
        except CoordinatorKeyChanged as exc:
            print(exc.message, file=ctx.err)
            print(_("To replace the key after comparing it: card-import --replace FILE"),
                  file=ctx.err)
            return EXIT_USER
    finally:
        register.close()
    if change is not None:
        ctx.say(_("The key of {code} was replaced.").format(code=change.code))
        ctx.say(_("Old fingerprint: {fp}").format(fp=change.old_fingerprint))
        ctx.say(_("New fingerprint: {fp}").format(fp=change.new_fingerprint))
    ctx.say(_("Card of {code} ({component}) imported. Check this fingerprint with them: "
              "{fp}").format(code=card.code, component=card.component, fp=card.fingerprint_groups))
    return EXIT_OK


@command("receipt-import")
def cmd_receipt_import(ctx: Context) -> int:
    from app.services.confidant import coordinator_link

    register = ctx.unlock()
    try:
        row = coordinator_link.import_receipt(register, Path(ctx.args.file))
    finally:
        register.close()
    ctx.say(_("Receipt imported: quarter {quarter}, revision {revision} was received.").format(
        quarter=row.quarter, revision=row.revision))
    if row.learned:
        ctx.say(_("This register had no record of that file (a backup restored after the "
                  "export, or another copy of the register): it is recorded now, and later "
                  "exports of {quarter} follow on from it.").format(quarter=row.quarter))
    return EXIT_OK


def _add_export_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help=_("write the signed quarterly summary"))
    p.add_argument("--quarter", metavar="YYYY-Qn",
                   help=_("quarter, e.g. 2026-Q3 (default: the last completed quarter)"))
    p.add_argument("--out", metavar="DIR", required=True, help=_("folder or removable drive"))
    p.add_argument("--pdf", metavar="FILE", help=_("also write the PDF overview of the quarter"))
    p = sub.add_parser("card", help=_("write this register's enrolment card"))
    p.add_argument("--out", metavar="FILE", required=True)
    p = sub.add_parser("card-import", help=_("import the card of your coordinator"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--replace", action="store_true",
                   help=_("replace the key of a coordinator code you already have (compare "
                          "the new fingerprint by phone first)"))
    p = sub.add_parser("receipt-import", help=_("import a receipt from your coordinator"))
    p.add_argument("file", metavar="FILE")


_PARSER_EXTENSIONS.append(_add_export_parsers)


# --- self-test of the installed program ------------------------------------------------------
@command("self-test")
def cmd_self_test(ctx: Context) -> int:
    from app.services import selftest

    results = selftest.run(ctx.out, ctx.gui_check)
    if selftest.passed(results):
        ctx.say(_(selftest.SUMMARY_OK))
        return EXIT_OK
    failed = next(r for r in results if r.status == "FAILED")
    print(_(selftest.SUMMARY_FAILED).format(step=failed.step), file=ctx.err)
    return EXIT_USER


def _add_self_test_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sub.add_parser("self-test", help=_("check that this installation works (uses a temporary "
                                       "register; your own register is not touched)"))


_PARSER_EXTENSIONS.append(_add_self_test_parser)


# --- retention: memos and closed cases past their keeping time ------------------------------
@command("retention")
def cmd_retention(ctx: Context) -> int:
    from app.services.storage import retention

    months = ctx.args.months if ctx.args.months is not None else ctx.settings.retention_months
    retention.check_months(months)
    if months == 0:
        ctx.say(_("Retention is off (0 months); nothing is reduced. Set a period with --months "
                  "or in the settings."))
        return EXIT_OK
    register = ctx.unlock()
    try:
        today = dt.date.today()
        plan = retention.plan_retention(register, today, months)
        ctx.say(_("{n} closed case(s) older than {months} months, with every quarter exported "
                  "and received, can be reduced (memo removed; the counts stay).").format(
                      n=plan.count, months=months))
        if plan.waiting:
            ctx.say(_("{n} older case(s) wait for a quarter to be exported or received.").format(
                n=plan.waiting))
        if not ctx.args.apply or plan.count == 0:
            if plan.count:
                ctx.say(_("Dry run: nothing was changed. Add --apply to reduce them."))
            return EXIT_OK
        if not ctx.args.yes:
            answer = input(_("Reduce {n} case(s)? This cannot be undone. Type yes to "
                             "confirm: ").format(n=plan.count))
            if answer.strip().casefold() not in {"yes", "y", _("yes").casefold()}:
                ctx.say(_("Cancelled. Nothing was changed."))
                return EXIT_USER
        done = retention.apply_retention(register, plan).reduced
    finally:
        register.close()
    log.info("retention reduced %d cases", done)
    ctx.say(_("{n} case(s) reduced.").format(n=done))
    return EXIT_OK


def _add_retention_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("retention",
                       help=_("reduce old closed cases whose quarters were received (dry run "
                              "unless --apply)"))
    p.add_argument("--months", type=int, metavar="N",
                   help=_("months after closing (default: the setting; 0 = off)"))
    p.add_argument("--apply", action="store_true", help=_("reduce them (asks to confirm)"))
    p.add_argument("--yes", action="store_true", help=_("do not ask to confirm"))


_PARSER_EXTENSIONS.append(_add_retention_parser)


def command_names() -> frozenset[str]:
    return frozenset(_HANDLERS)


# --- coordination commands (roster, import, forward, completeness) ------------------------
# Exit codes of `import`: 0 when every file was imported, already in, or needs a choice;
# 2 when at least one file was refused (the valid ones ARE imported, and the output says so),
# so scripts notice refusals. `--dry-run` only reports, and exits the same way.


@command("roster-add")
def cmd_roster_add(ctx: Context) -> int:
    from app.models.periods import Quarter
    from app.services.coordination import roster
    from app.services.coordination.merging import LATE_AFTER_DAYS

    active_from = _parse_day(ctx.args.active_from) if ctx.args.active_from else None
    register = ctx.unlock()
    try:
        member = roster.add_card_file(register, Path(ctx.args.card), today=dt.date.today(),
                                      active_from=active_from)
    finally:
        register.close()
    ctx.say(_("{code} ({component}, {role}) is on the roster; fingerprint {fingerprint}.").format(
        code=member.code, component=member.component, role=member.role,
        fingerprint=member.fingerprint_groups))
    ctx.say(_("Expected from {date} on: every quarter from {quarter} counts in the "
              "completeness overview.").format(date=member.active_from.isoformat(),
                                               quarter=Quarter.of(member.active_from)))
    if Quarter.of(member.active_from).end + dt.timedelta(days=LATE_AFTER_DAYS) < dt.date.today():
        ctx.say(_("Quarters whose deadline passed before today are history: their files are not "
                  "marked late."))
    return EXIT_OK


_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _parse_day(text: str) -> dt.date:
    """A day written YYYY-MM-DD (ASCII digits, matched whole)."""
    match = _DAY.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValidationError(N_("“{text}” is not a date; write it as 2026-01-01."),
                              text=text) from None


@command("import")
def cmd_import(ctx: Context) -> int:
    from app.services.coordination.importing import ImportStatus, apply_import, plan_import

    register = ctx.unlock()
    try:
        plan = plan_import(register, [Path(p) for p in ctx.args.files], dt.date.today())
        choices = _overlap_choices(ctx, plan)
        for item in plan.items:
            ctx.say(f"{item.status.value:17} {item.path.name}: {item.reason}")
            if item.status is ImportStatus.OVERLAP and item.key not in choices:
                ctx.say(_("  (kept aside, it does not count; add --use {name} to let it count "
                          "instead, or --skip {name})").format(name=item.path.name))
        if ctx.args.dry_run:
            ctx.say(_("Dry run: nothing was imported."))
        else:
            receipts = Path(ctx.args.receipts) if ctx.args.receipts else None
            result = apply_import(register, plan, choices, receipts_dir=receipts)
            ctx.say(_("Imported {added} new and {replaced} replacing files; {already} were "
                      "already in; {refused} refused.").format(
                added=result.added, replaced=result.replaced, already=result.already,
                refused=result.refused))
            if result.added + result.replaced == 0:
                ctx.say(_("Nothing was imported."))
            if result.publications:
                ctx.say(_("Reports published by component coordinators, newly recorded: {n}; "
                          "every later report of this register is protected against them "
                          "(see: vertrouwd publications).").format(n=result.publications))
            _say_receipts(ctx, receipts, result)
    finally:
        register.close()
    return EXIT_USER if plan.count(ImportStatus.REFUSED) else EXIT_OK


def _overlap_choices(ctx: Context, plan: Any) -> dict[str, Any]:
    """--use and --skip name files of the selection (as given, or by file name)."""
    from app.services.coordination.importing import ImportStatus, OverlapChoice

    def matches(item: Any, given: str) -> bool:
        return str(item.path) == given or item.path.name == given

    choices: dict[str, Any] = {}
    for option, choice in ((ctx.args.use, OverlapChoice.USE_THIS),
                           (ctx.args.skip, OverlapChoice.SKIP)):
        for given in option or ():
            found = [i for i in plan.items if matches(i, given)]
            if not found or any(i.status is not ImportStatus.OVERLAP for i in found):
                raise ValidationError(N_("{name} is not a file of this import that overlaps "
                                         "another merged file."), name=given)
            for item in found:
                choices[item.key] = choice
    return choices


def _say_receipts(ctx: Context, folder: Path | None, result: Any) -> None:
    if folder is None:
        ctx.say(_("No receipts were written: give --receipts FOLDER to write them for the "
                  "senders."))
        return
    ctx.say(_("Receipts in {folder}: {n}.").format(n=len(result.receipts), folder=folder))
    for problem in result.receipt_problems:
        print(_("Receipt not written: {reason}").format(reason=problem), file=ctx.err)


@command("forward")
def cmd_forward(ctx: Context) -> int:
    from app.services.coordination.forwarding import forward

    register = ctx.unlock()
    try:
        result = forward(register, ctx.args.quarter, Path(ctx.args.out))
    finally:
        register.close()
    ctx.say(_("Summary for {quarter} (revision {revision}) written to {path}.").format(
        quarter=result.quarter, revision=result.revision, path=result.path))
    if result.unsealed_warning:
        ctx.say(_("Warning: no recipient card is known, so the file is signed but not "
                  "encrypted."))
    return EXIT_OK


@command("completeness")
def cmd_completeness(ctx: Context) -> int:
    from app.services.coordination.merging import CELL_WORDS, completeness

    register = ctx.unlock()
    try:
        grid = completeness(register, [ctx.args.quarter])
    finally:
        register.close()
    counts = grid.counts[ctx.args.quarter]
    ctx.say(_("{quarter}: expected {expected}, received {received} (nil {nil}), missing "
              "{missing}, late {late}.").format(
        quarter=counts.quarter, expected=counts.expected, received=counts.received,
        nil=counts.nil, missing=counts.missing, late=counts.late))
    for sender in grid.senders:
        ended = grid.ended_before(sender, ctx.args.quarter)
        if ended is not None and (sender, ctx.args.quarter) not in grid.cells:
            ctx.say(f"{sender:16} " + _("not expected (roster entry ended from {date})").format(
                date=ended.isoformat()))
            continue
        words = (_(CELL_WORDS[label]) for label in grid.cell(sender, ctx.args.quarter).labels)
        ctx.say(f"{sender:16} {', '.join(words)}")
    return EXIT_OK


@command("roster-end")
def cmd_roster_end(ctx: Context) -> int:
    from app.models.periods import Quarter
    from app.services.coordination import roster

    from_day = _parse_day(ctx.args.from_day)
    register = ctx.unlock()
    try:
        member = roster.end(register, ctx.args.code, from_day=from_day)
    finally:
        register.close()
    ctx.say(_("{code} is no longer expected from {date} on: the last quarter that counts is "
              "{quarter}.").format(code=member.code, date=from_day.isoformat(),
                                   quarter=Quarter.of(from_day - dt.timedelta(days=1))))
    return EXIT_OK


def _coordination_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("roster-add", help=_("enrol a sender from their enrolment card"))
    p.add_argument("card", metavar="CARD")
    p.add_argument("--active-from", metavar="YYYY-MM-DD",
                   help=_("the first day the sender counts (default: today); an earlier day "
                          "makes them expected for earlier quarters"))
    p = sub.add_parser("import", help=_("import quarterly files (files or folders)"))
    p.add_argument("files", metavar="FILE_OR_DIR", nargs="+")
    p.add_argument("--dry-run", action="store_true", help=_("only show what would happen"))
    p.add_argument("--receipts", metavar="DIR", help=_("write receipts into this folder"))
    p.add_argument("--use", action="append", metavar="FILE",
                   help=_("of two merged files that overlap: let this one count (repeatable)"))
    p.add_argument("--skip", action="append", metavar="FILE",
                   help=_("of two merged files that overlap: do not import this one"))
    p = sub.add_parser("forward", help=_("write the merged summary of a quarter"))
    p.add_argument("--quarter", required=True, metavar="YYYY-Qn")
    p.add_argument("--out", required=True, metavar="DIR")
    p = sub.add_parser("completeness", help=_("who reported for a quarter"))
    p.add_argument("--quarter", required=True, metavar="YYYY-Qn")
    p = sub.add_parser("roster-end", help=_("end a roster entry: the sender is no longer "
                                            "expected from a day on"))
    p.add_argument("code", metavar="CODE")
    p.add_argument("--from", dest="from_day", required=True, metavar="YYYY-MM-DD",
                   help=_("the first day the sender is no longer expected"))


_PARSER_EXTENSIONS.append(_coordination_parsers)


# --- published reports (coordinator and central level, disclosure control) ----------------
@command("report")
def cmd_report(ctx: Context) -> int:
    from app.export.disclosure import Status, check_k
    from app.services.coordination import publications
    from app.services.coordination.period_plan import publish_report

    if ctx.args.reissue is not None:
        register = ctx.unlock()
        try:
            path = publications.reissue(register, ctx.args.reissue, Path(ctx.args.out))
        finally:
            register.close()
        ctx.say(_("Publication {id} written again, byte for byte: {path}").format(
            id=ctx.args.reissue, path=path))
        return EXIT_OK
    if ctx.args.year is None:
        raise ValidationError(N_("Give the year of the report (--year 2026), or --reissue "
                                 "with the number of an earlier publication."))
    k = check_k(ctx.args.k if ctx.args.k is not None else ctx.settings.disclosure_k)
    register = ctx.unlock()
    try:
        done = publish_report(register, ctx.args.year, ctx.args.quarter, ctx.args.format,
                              Path(ctx.args.out), ctx.args.lang, k, today=dt.date.today(),
                              component=ctx.args.report_component)
    finally:
        register.close()
    cells = [c for t in done.data.tables for c in t.cells.values()]
    hidden = sum(1 for c in cells if c.status is not Status.PUBLISHED)
    ctx.say(_("Report written: {path} (k = {k}; {hidden} of {cells} figures hidden).").format(
        path=done.path, k=k, cells=len(cells), hidden=hidden))
    ctx.say(_("Recorded as publication {id}; write it again with: vertrouwd report --reissue "
              "{id} --out FILE").format(id=done.id))
    if done.data.plan is not None:
        ctx.say(_("Taken from the plan of {period}, which protects every report of {period} "
                  "together (see: vertrouwd publications).").format(
            period=done.data.plan.period))
    return EXIT_OK


@command("publications")
def cmd_publications(ctx: Context) -> int:
    from app.services.coordination import publications

    register = ctx.unlock()
    try:
        found = publications.entries(register)
        plans = publications.plans(register)
        others = publications.foreign(register)
    finally:
        register.close()
    _say_foreign(ctx, others)
    if not found:
        ctx.say(_("The register has published no report yet."))
        return EXIT_OK
    for e in found:
        ctx.say(_("{id:>4}  {when} UTC  {period:8} {scope:9} {fmt}  k = {k}  {hidden} of "
                  "{cells} hidden  {file}").format(
            id=e.id, when=e.published_at.strftime("%Y-%m-%d %H:%M"), period=e.period,
            scope=e.component or _("Defence"), fmt=e.format.upper(), k=e.k, hidden=e.hidden,
            cells=e.cells, file=e.file_name)
            + ("" if e.plan is None else "  " + _("plan {plan}").format(plan=e.plan)))
    for plan in plans:
        tables = len({key[0].partition("@")[2] for key in plan.publication.table.values
                      if isinstance(key, tuple) and "@" in key[0]} - {""})
        ctx.say(_("Plan {plan} of {period}: k = {k}, {hidden} of {cells} figures of its "
                  "reports hidden; Defence and {components} components planned together"
                  ).format(plan=plan.id, period=plan.period, k=plan.k,
                           hidden=len(plan.publication.hidden()),
                           cells=len(plan.publication.table.values), components=tables)
                if tables else
                _("Plan {plan} of {period}: k = {k}, {hidden} of {cells} figures hidden").format(
                    plan=plan.id, period=plan.period, k=plan.k,
                    hidden=len(plan.publication.hidden()),
                    cells=len(plan.publication.table.values)))
        if tables:  # which of its reports went out; the others are planned, not published
            written = {e.component for e in found if e.plan == plan.id}
            scopes = plan.scopes
            ctx.say("  " + _("written: {written}; not written yet: {unwritten}").format(
                written=", ".join(c or _("Defence") for c in scopes if c in written) or "—",
                unwritten=", ".join(c or _("Defence") for c in scopes if c not in written)
                or "—"))
    return EXIT_OK


def _say_foreign(ctx: Context, others: list[Any]) -> None:
    """The reports other registers published that this one received (issue 19)."""
    if not others:
        return
    ctx.say(_("Published by other registers (received with their quarterly files; every "
              "later report of this register is protected against them):"))
    for f in others:
        ctx.say(_("   {origin} {ref}  {when} UTC  {period:8} {component:9} k = {k}  {hidden} "
                  "of {cells} hidden  received {received}").format(
            origin=f.origin, ref=f.ref, when=f.published_at.strftime("%Y-%m-%d %H:%M"),
            period=f.period, component=f.component, k=f.k, hidden=f.hidden, cells=f.cells,
            received=f.received_at.strftime("%Y-%m-%d")))


@command("verify-publication")
def cmd_verify_publication(ctx: Context) -> int:
    from app.services.coordination import period_plan, publications

    register = ctx.unlock()
    try:
        problems = publications.verify(register, ctx.args.id)
        # values that earlier reports had ruled out between them: said, not a problem
        before = None if problems else period_plan.ruled_out_before(register, ctx.args.id)
    finally:
        register.close()
    if problems:
        for problem in problems:
            print(problem, file=ctx.err)
        print(_(publications.DOES_NOT_HOLD).format(id=ctx.args.id), file=ctx.err)
        return EXIT_USER
    ctx.say(_(publications.HOLDS).format(id=ctx.args.id))
    if before:
        ctx.say(before)
    return EXIT_OK


def _report_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", help=_("write a report for publication (PDF or CSV, with "
                                        "disclosure control); it is recorded in the register"))
    p.add_argument("--year", type=int, help=_("year of the report"))
    p.add_argument("--quarter", metavar="YYYY-Qn", help=_("only this quarter, e.g. 2026-Q3"))
    p.add_argument("--component", dest="report_component", metavar="CODE",
                   help=_("central level: the report of this component (default: Defence); "
                          "it is taken from the plan of the period, as the Defence report is"))
    p.add_argument("--format", choices=["pdf", "csv"], default="pdf")
    p.add_argument("--out", metavar="FILE", required=True, help=_("output file"))
    p.add_argument("--k", type=int, help=_("minimum cell frequency (default: from the "
                                           "settings, at least 3)"))
    p.add_argument("--reissue", type=int, metavar="ID",
                   help=_("write publication ID again, byte for byte (see: vertrouwd "
                          "publications)"))
    sub.add_parser("publications", help=_("list the reports this register published"))
    p = sub.add_parser("verify-publication",
                       help=_("check a publication's certificate (exit 0: it holds)"))
    p.add_argument("id", type=int, metavar="ID")


_PARSER_EXTENSIONS.append(_report_parsers)


# --- a confidant's register moves to a newer topic list --------------------------------------
@command("codelist-move")
def cmd_codelist_move(ctx: Context) -> int:
    from app.models.periods import Quarter
    from app.services.confidant import codelist_moves

    start = Quarter.parse(ctx.args.from_quarter)
    register = ctx.unlock()
    try:
        codelist_moves.move(register, ctx.args.version, start)
        before = register.codelist_version(start.previous().start)
    finally:
        register.close()
    ctx.say(_("From {quarter} on this register records with topic list {version}; the quarters "
              "before stay on {before}. Code, card and history are unchanged.").format(
        quarter=start, version=ctx.args.version, before=before))
    return EXIT_OK


def _codelist_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("codelist-move", help=_("record with a newer topic list from a quarter on "
                                               "(same code, card and history)"))
    p.add_argument("--version", default=codelists.CURRENT_VERSION,
                   help=_("the topic list version (default: the current one)"))
    p.add_argument("--from", dest="from_quarter", required=True, metavar="YYYY-Qn",
                   help=_("the first quarter recorded with it"))


_PARSER_EXTENSIONS.append(_codelist_parsers)


# --- the annual report's confidants section (Defence, or the component's appendix) ---------
@command("annual")
def cmd_annual(ctx: Context) -> int:
    from app.export.disclosure import check_k
    from app.services.coordination.period_plan import write_annual

    k = check_k(ctx.args.k if ctx.args.k is not None else ctx.settings.disclosure_k)
    register = ctx.unlock()
    try:
        paths = write_annual(register, ctx.args.year, Path(ctx.args.out),
                             ctx.args.annual_lang or ctx.args.lang, k,
                             today=dt.date.today()).paths
    finally:
        register.close()
    ctx.say(_("Annual section {year} written (k = {k}):").format(year=ctx.args.year, k=k))
    for path in paths:
        ctx.say(f"  {path}")
    return EXIT_OK


def _annual_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("annual", help=_("write the confidants' section of the annual report "
                                        "(PDF, CSV and DOCX, with disclosure control)"))
    p.add_argument("--year", type=int, required=True, help=_("year of the report"))
    p.add_argument("--out", metavar="FOLDER", required=True, help=_("output folder"))
    p.add_argument("--lang", dest="annual_lang", choices=["nl", "en"],
                   help=_("language of the section (default: Dutch)"))
    p.add_argument("--k", type=int, help=_("minimum cell frequency (default: from the "
                                           "settings, at least 3)"))


_PARSER_EXTENSIONS.append(_annual_parsers)
