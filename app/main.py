"""Entry point: without a command the GUI starts; with one, the command line runs."""

from __future__ import annotations

import sys

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
    if _only_gui_options(argv):  # skip importing the CLI: it loads the whole database stack
        from app.ui.application import run_gui

        return run_gui(argv)
    from app import cli

    wants_gui = not any(a in cli.command_names() for a in argv) and not any(
        a in ("-h", "--help", "--version") for a in argv
    )
    if wants_gui:
        from app.ui.application import run_gui

        return run_gui(argv)
    return cli.main(argv, gui_check=_gui_check)


def _gui_check() -> str:
    """For `vertrouwd self-test`: Qt is imported only when the self-test reaches this step."""
    from app.ui.selftest_probe import show_widget_offscreen

    return show_widget_offscreen()


if __name__ == "__main__":
    raise SystemExit(main())
