"""`vertrouwd self-test` in-process: the same code the bundle runs after `make dist`."""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

import pytest

from app import cli
from app.main import _gui_check
from app.models.keyfile import PRODUCTION_PROFILE
from app.services import selftest

STEPS = ["data-folder", "languages", "register", "contact", "encryption", "export", "pdf", "gui"]


@pytest.fixture
def own_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point tempfile at a folder of our own, to see that the self-test cleans up."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _run(argv: list[str], gui_check: selftest.GuiCheck | None = _gui_check) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(argv, out=out, err=err, gui_check=gui_check)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
def test_self_test_passes_and_prints_one_line_per_step(own_tmp: Path) -> None:
    code, out, err = _run(["--lang", "en", "self-test"])
    assert code == cli.EXIT_OK, out + err
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [f"ok {step}" for step in STEPS]
    assert "SQLCipher 4." in out
    assert lines[-1] == "Self-test passed: this installation works."
    assert list(own_tmp.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("missing", ["app.export.pdf_vp", "reportlab"])
def test_a_bundle_without_its_pdf_part_fails_the_self_test(
    own_tmp: Path, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    # A shipped part is never "skipped": the PDF module (or reportlab under it) made
    # unimportable, as a bundle that left it out would be, fails the pdf step and the run.
    for name in [m for m in sys.modules if m == missing or m.startswith(missing + ".")]:
        monkeypatch.delitem(sys.modules, name)
    for name in ("app.export.pdf_vp", "app.export.pdf_common",
                 "app.services.confidant.quarter_overview"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setitem(sys.modules, missing, None)  # `import missing` now fails
    code, out, err = _run(["--lang", "en", "self-test"])
    assert code == cli.EXIT_USER
    assert f"FAILED pdf: the PDF part of the program is missing ({missing})" in out
    assert "skipped" not in out and "ok gui" not in out
    assert err.strip() == "Self-test failed at step pdf."
    assert list(own_tmp.iterdir()) == []


@pytest.mark.slow
def test_self_test_uses_the_production_key_derivation(
    own_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test suite switches to a cheap profile by default; the self-test must not.
    seen = []
    real = selftest.vault.create_register

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(kwargs.get("params"))
        return real(*args, **kwargs)

    monkeypatch.setattr(selftest.vault, "create_register", spy)
    monkeypatch.setattr(selftest, "_step_export", _fail("stop here"))
    _run(["self-test"])
    assert seen == [PRODUCTION_PROFILE]


def _fail(message: str):  # type: ignore[no-untyped-def]
    def step(_state: object) -> str:
        raise selftest.StepFailed(message)

    return step


@pytest.mark.slow
def test_a_failing_step_stops_the_run_exits_2_and_cleans_up(
    own_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selftest, "_step_export", _fail("broken on purpose"))
    code, out, err = _run(["--lang", "en", "self-test"])
    assert code == cli.EXIT_USER
    assert "FAILED export: broken on purpose" in out
    assert "pdf" not in out and "gui" not in out  # nothing after the failure
    assert err.strip() == "Self-test failed at step export."
    assert list(own_tmp.iterdir()) == []


def test_without_a_gui_check_the_gui_step_fails(
    own_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only app.main can hand over the Qt check; a run without it must not claim success.
    for name in ("_step_register", "_step_contact", "_step_encryption", "_step_export",
                 "_step_pdf"):
        monkeypatch.setattr(selftest, name, lambda _state: "stand-in")
    code, out, _err = _run(["--lang", "en", "self-test"], gui_check=None)
    assert code == cli.EXIT_USER
    assert "FAILED gui:" in out


def test_self_test_is_a_command_not_the_gui() -> None:
    assert "self-test" in cli.command_names()
