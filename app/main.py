"""Entry points.

`main`: without a command the GUI starts; with one, the command line runs (`vertrouwd`, the
Linux program, and `vertrouwd-cli.exe` on Windows).
`main_windowed`: the windowed Windows program `Vertrouwd.exe` (app/windowed_main.py). It only
ever opens the window; a command given to it is answered with a pointer to vertrouwd-cli.exe.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO

GUI_OPTIONS = {"--demo", "--portable"}
GUI_VALUE_OPTIONS = {"--register", "--lang"}


def _only_gui_options(argv: list[str]) -> bool:
    """True when no argument can be a command: only options, or the value of a GUI option."""
    for i, arg in enumerate(argv):
        if arg in ("-h", "--help", "--version"):
            return False
        if not arg.startswith("-") and not (i and argv[i - 1] in GUI_VALUE_OPTIONS):
            return False
    return True


def gives_a_command(argv: list[str]) -> bool:
    """True when argv holds more than the window's own options: a CLI command, --help, …"""
    if _only_gui_options(argv):  # skip importing the CLI: it loads the whole database stack
        return False
    from app import cli

    names = cli.command_names()
    return any(a in names or a in ("-h", "--help", "--version") for a in argv)


def _utf8_when_redirected() -> None:
    """Windows writes redirected output (a file, a pipe) in the ANSI code page, which cannot
    hold every character of our sentences ("≤", "→"): write UTF-8 there instead, as Python's
    UTF-8 mode and current Windows tools do. A console is left alone (Python writes UTF-16 to
    it), and so is a windowed program, which has no output streams at all."""
    if sys.platform != "win32":
        return
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure") and not stream.isatty():
            stream.reconfigure(encoding="utf-8", errors="replace")


def main(argv: list[str] | None = None) -> int:
    _utf8_when_redirected()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not gives_a_command(argv):
        from app.ui.register.application import run_gui

        return run_gui(argv)
    from app import cli

    return cli.main(argv, gui_check=_gui_check)


CLI_EXE = "vertrouwd-cli.exe"


def use_cli_message(argv: list[str]) -> str:
    """What the windowed program says when it is given a command.

    Both languages at once, not through the catalogues: it is shown before any settings (and
    so the chosen language) are read, to someone who typed a command at the wrong program.
    """
    command = " ".join(argv)
    return (
        f"Vertrouwd.exe opent alleen het programmavenster. Gebruik voor opdrachten {CLI_EXE} "
        f"in dezelfde map, vanuit een opdrachtprompt:\n\n    {CLI_EXE} {command}\n\n"
        f"Vertrouwd.exe only opens the program window. For commands, use {CLI_EXE} in the "
        f"same folder, from a command prompt:\n\n    {CLI_EXE} {command}"
    )


def fill_missing_streams() -> list[str]:
    """A windowed Windows program has no console: sys.stdout and sys.stderr are None, so any
    write (a library's warning, print(…, file=sys.stderr)) would raise. Point the missing
    ones at the null device. Returns the names of the streams that were replaced."""
    replaced = []
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
            replaced.append(name)
    return replaced


def _message_box(text: str) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app import paths

    _app = QApplication.instance() or QApplication(["vertrouwd"])
    QMessageBox(QMessageBox.Icon.Information, paths.APP_NAME, text).exec()


def main_windowed(argv: list[str] | None = None,
                  tell: Callable[[str], None] | None = None) -> int:
    """Vertrouwd.exe: always the program window, never the command line.

    Given a command, it says to use vertrouwd-cli.exe and exits with 2: on standard error when
    that goes somewhere (a script that redirected it), else in a message box, so someone who
    typed `Vertrouwd.exe backup` does not just see nothing happen.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    missing = fill_missing_streams()
    _utf8_when_redirected()
    if gives_a_command(argv):
        text = use_cli_message(argv)
        if tell is not None:
            tell(text)
        elif "stderr" in missing:
            _message_box(text)
        else:
            err: TextIO = sys.stderr
            print(text, file=err)
        return 2
    from app.ui.register.application import run_gui

    return run_gui(argv)


def _gui_check() -> str:
    """For `vertrouwd self-test`: Qt is imported only when the self-test reaches this step."""
    from app.ui.register.selftest_probe import show_widget_offscreen

    return show_widget_offscreen()


if __name__ == "__main__":
    raise SystemExit(main())
