"""A corpus of over 200 bad files: each refused with its own sentence, the register untouched."""

from __future__ import annotations

import io
import json
import os
import random
import time
from pathlib import Path

import pytest

from app import errors
from app.export import crypto
from app.export.interchange import FILE_FORMAT
from app.export.measures import Measures
from app.export.signed import sign_envelope
from app.i18n import _
from app.services.coordination.importing import ImportStatus, apply_import, plan_import
from app.services.storage import vault
from tests.conftest import PASSPHRASE, snapshot

from .coordination_helpers import TODAY, Sender, enrol, new_sender, vp_file, vp_payload, write
from .hostile_corpus import (
    Case,
    Coordination,
    card_cases,
    csv_cases,
    every_sentence,
    quarterly_cases,
    receipt_cases,
    recipient_card_of,
    sentence,
)

M = Measures(cases_new=2, cases_closed=1, cases_open_end=1, contacts_first=2, minutes_contacts=90,
             topics={"pesten": 2}, outcomes={"doorverwezen": 1}, modes={"telefoon": 2})


def _prefix(cls: type[errors.AppError] | str) -> str:
    """The start of the refusal's sentence as a batch lists it (without "Nothing was
    imported.", said once for the batch)."""
    text = _(cls if isinstance(cls, str) else cls.default_message)
    return text.removesuffix(" " + _("Nothing was imported.")).split("{")[0][:30]


def _corpus(folder: Path, vp, other_key, stranger, rng: random.Random):  # type: ignore[no-untyped-def]
    """(name, bytes, expected error class or None when only 'refused' is certain)."""
    good = vp_file(vp, M)
    payload = vp_payload(vp, M)
    cases: list[tuple[str, bytes, type[errors.AppError] | str | None]] = []

    def signed(p: dict, key: bytes = vp.key.private_key) -> bytes:  # type: ignore[type-arg]
        return sign_envelope(FILE_FORMAT, p, key)

    def edit(change):  # type: ignore[no-untyped-def]
        p = json.loads(json.dumps(payload))
        change(p)
        return p

    cases.append(("empty", b"", errors.EmptyFile))
    cases.append(("oversized", b"{" + b" " * (1024 * 1024 + 10) + b"}", errors.FileTooLarge))
    cases.append(("latin1", '{"a":"é"}'.encode("latin-1"), errors.NotUtf8))
    cases.append(("dupkey", b'{"format":"x","format":"y"}', errors.DuplicateKey))
    cases.append(
        ("nan", good.replace(b'"cases_new":2', b'"cases_new":NaN'), errors.NonFiniteNumber)
    )
    cases.append(("inf", good.replace(b'"cases_new":2', b'"cases_new":Infinity'),
                  errors.NonFiniteNumber))
    cases.append(("huge", good.replace(b'"cases_new":2', b'"cases_new":' + b"9" * 40),
                  errors.NumberTooLarge))
    cases.append(("fraction", good.replace(b'"cases_new":2', b'"cases_new":2.5'),
                  errors.FractionalNumber))
    for i in range(40):
        cases.append((f"random{i}", rng.randbytes(rng.randint(1, 3000)), None))
    for i in range(1, 10):  # truncated at every 10 %
        cases.append((f"trunc{i}", good[: len(good) * i // 10], None))
    for i in range(120):  # bit flips anywhere
        data = bytearray(good)
        pos = rng.randrange(len(data))
        data[pos] ^= 1 << rng.randrange(8)
        cases.append((f"flip{i}", bytes(data), None))
    for key in sorted(payload):  # every required field missing, signed correctly
        cases.append((f"missing-{key}", signed(edit(lambda p, k=key: p.pop(k))), None))
    cases.append(("unknown-field", signed(edit(lambda p: p.update(extra=1))), None))
    for name in ("cases_new", "cases_closed", "contacts_first", "minutes_contacts"):
        cases.append((f"neg-{name}", signed(edit(
            lambda p, n=name: p["measures"].__setitem__(n, -1))), None))
        cases.append((f"str-{name}", signed(edit(
            lambda p, n=name: p["measures"].__setitem__(n, "1"))), None))
    cases.append(("bad-quarter", signed(edit(lambda p: p["period"].update(quarter="2026-Q5"))),
                  None))
    cases.append(("far-future", signed(edit(lambda p: p["period"].update(
        quarter="2099-Q1", interval="2099-01-01/P3M"))), errors.InvalidPeriod))
    cases.append(("codelist", signed(edit(lambda p: p["codelist"].update(version="1999.9"))),
                  errors.UnknownCodelistVersion))
    cases.append(("unknown-topic", signed(edit(lambda p: p["measures"]["topics"].update(
        vliegen=1))), errors.UnknownCode))
    cases.append(("format-version", signed(edit(lambda p: p.update(format_version=99))), None))
    cases.append(("nil-lie", signed(edit(lambda p: p.update(nil_return=True))),
                  errors.NilReturnNotEmpty))
    cases.append(("inconsistent", signed(edit(lambda p: p["measures"]["topics"].update(
        pesten=9))), errors.BOUND_TOPIC))
    cases.append(("other-signer", signed(payload, other_key.private_key), errors.SignerMismatch))
    cases.append(("not-enrolled", vp_file(stranger, M), errors.SignerNotEnrolled))
    foreign = edit(lambda p: p["sender"].update(component="CZSK"))
    cases.append(("foreign-component", signed(foreign), errors.ForeignComponent))
    cases.append(("sealed-elsewhere", vp_file(vp, M, seal_to=crypto.new_sealing_key().public_key),
                  errors.SealedForOtherRecipient))
    cases.append(("not-json", b"hello", errors.MalformedJson))
    cases.append(("array", b"[1,2]", None))
    cases.append(("deep", b"[" * 50 + b"]" * 50, None))
    for i, (name, data, _cls) in enumerate(cases):
        (folder / f"{i:03d}-{name}.json").write_bytes(data)
    return {f"{i:03d}-{name}.json": cls for i, (name, _d, cls) in enumerate(cases)}


def test_bad_file_corpus_is_refused_and_changes_nothing(
    coordinator_dir: Path, tmp_path: Path
) -> None:
    rng = random.Random(20261123)
    vp = new_sender("CLAS-AAAAA")
    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    enrol(reg, vp)
    reg.close()
    folder = tmp_path / "bad"
    folder.mkdir()
    expected = _corpus(folder, vp, crypto.new_signing_key(), new_sender("CLAS-ZZZZZ"), rng)
    assert len(expected) >= 200
    before = snapshot(coordinator_dir)
    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    try:
        plan = plan_import(reg, [folder], TODAY)
        result = apply_import(reg, plan, receipts_dir=tmp_path / "receipts")
    finally:
        reg.close()
    assert snapshot(coordinator_dir) == before
    assert result.refused == len(expected) and result.added == 0
    assert not (tmp_path / "receipts").exists() or not any((tmp_path / "receipts").iterdir())
    for item in plan.items:
        assert item.status == ImportStatus.REFUSED, item.path.name
        assert item.reason and "Traceback" not in item.reason
        # A batch says "Nothing was imported" once, not on every line (issue 12, item 7).
        assert not item.reason.endswith(_("Nothing was imported.")), item.reason
        cls = expected[item.path.name]
        if cls is not None:
            assert item.reason.startswith(_prefix(cls)), (item.path.name, item.reason)


# --- issue 13: the hostile corpus, file by file through the command line ------------------------
def _materialise(case: Case, folder: Path, kind: str) -> Path:
    """The path the command gets: the file written, or what stands in for a file."""
    path = folder / f"{case.name}{'.csv' if kind == 'import-csv' else '.json'}"
    if case.path == "file":
        assert case.data is not None
        path.write_bytes(case.data)
    elif case.path == "folder":
        path.mkdir()
    elif case.path == "fifo":
        os.mkfifo(path)
    elif case.path == "dev-zero":
        return Path("/dev/zero")
    elif case.path == "huge":  # sparse where the file system allows: never written out
        with open(path, "wb") as fh:
            fh.truncate(64 * 1024 * 1024)
    return path


def _cli(args: list[str]) -> tuple[int, str]:
    from app import cli

    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--lang", "en", *args], out=out, err=err)
    return code, out.getvalue() + err.getvalue()


def _confidant(folder: Path, coordinator: Sender, tmp_path: Path) -> bytes:
    """A confidant's register that exported 2026-Q3 once (signed, unsealed) and then imported
    its coordinator's card: receipts of that export can come back."""
    import datetime as dt

    from app.models.periods import Quarter
    from app.services.confidant import coordinator_link, exporting

    reg, _ = vault.create_register(folder, PASSPHRASE, component="CLAS")
    try:
        result = exporting.export_quarter(reg, Quarter(2026, 3), tmp_path / "exported",
                                          today=TODAY, now=dt.datetime(2026, 10, 2, tzinfo=dt.UTC))
        card = coordinator_link.check_recipient_card(reg, recipient_card_of(coordinator))
        coordinator_link.keep_recipient_card(reg, card)
    finally:
        reg.close()
    return result.path.read_bytes()


@pytest.mark.slow  # 464 files one by one through the command line: minutes, not seconds
def test_hostile_corpus_through_the_command_line(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Every file of the hostile corpus (tests/services/hostile_corpus.py) alone, through the
    command line as a user would: refused with exit 2 and its own sentence and the register
    byte for byte as before, or accepted with exactly the right counts; never a traceback."""
    from tests.reliability import _harness as h

    rng = random.Random(20261130)
    co = Coordination.make()
    coordinator_dir, confidant_dir = tmp_path / "coordinator", tmp_path / "confidant"
    reg, _ = vault.create_register(coordinator_dir, PASSPHRASE, roles=("coordinator",),
                                   component="CLAS")
    try:
        enrol(reg, co.a, co.b, co.c, co.d, co.acvp)
        baseline = [write(tmp_path / "baseline", f"{i}.json", d)
                    for i, d in enumerate(co.baseline)]
        assert apply_import(reg, plan_import(reg, baseline, TODAY)).refused == 0
        from app.services.confidant import exporting

        own_card = exporting.write_own_card(reg, tmp_path / "own-card.json").read_bytes()
    finally:
        reg.close()
    receiving = new_sender("CLAS-RCVR1", role="coordinator")
    exported = _confidant(confidant_dir, receiving, tmp_path)
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")

    def on(folder: Path, command: str) -> list[str]:
        return ["--register", str(folder), "--passphrase-file", str(secret), command]

    generic_folder = tmp_path / "generic"
    generic_folder.mkdir()
    generic = [Case(f"generic-{name.removesuffix('.json')}",
                    (generic_folder / name).read_bytes(),
                    None if cls is None else sentence(cls))
               for name, cls in sorted(_corpus(generic_folder, co.c, crypto.new_signing_key(),
                                               co.stranger, rng).items())]
    plan = ([(on(coordinator_dir, "import"), c, "import")
             for c in [*quarterly_cases(co, rng), *generic]] +
            [(on(coordinator_dir, "roster-add"), c, "roster-add")
             for c in card_cases(co, own_card, rng)] +
            [(on(confidant_dir, "receipt-import"), c, "receipt-import")
             for c in receipt_cases(exported, receiving, rng)] +
            [(on(confidant_dir, "import-csv"), c, "import-csv") for c in csv_cases()])
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    known = every_sentence()
    tally: dict[str, int] = {"refused": 0, "accepted": 0}
    sentences: set[str] = set()
    slowest, slowest_case = 0.0, ""
    problems: list[str] = []
    for args, case, kind in plan:
        folder = Path(args[1])
        path = _materialise(case, hostile, kind)
        before = snapshot(folder)
        started = time.perf_counter()
        code, text = _cli([*args, str(path)])
        elapsed = time.perf_counter() - started
        if elapsed > slowest:
            slowest, slowest_case = elapsed, case.name
        if "Traceback" in text or "Errno" in text:
            problems.append(f"{case.name}: {text[:300]}")
        elif case.accepted is not None:
            if code != 0 or case.accepted not in text:
                problems.append(f"{case.name}: not accepted as expected: {code} {text[:300]}")
            tally["accepted"] += 1
        else:
            found = case.refusal if case.refusal is not None else next(
                (s for s in known if s in text), None)
            if code != 2 or found is None or found not in text:
                problems.append(f"{case.name}: exit {code}, expected "
                                f"{case.refusal or 'a sentence'}: {text[:300]}")
            elif snapshot(folder) != before:
                problems.append(f"{case.name}: the register changed")
            else:
                sentences.add(found)
            tally["refused"] += 1
    files = [kind for _args, _case, kind in plan]
    interchange_files = sum(1 for k in files if k != "import-csv")
    csv_files = files.count("import-csv")
    h.summary(capsys, (
        f"hostile corpus: {interchange_files} quarterly files, merged files, cards and receipts "
        f"and {csv_files} CSV files, one by one through the command line: {tally['refused']} "
        f"refused with exit 2 ({len(sentences)} different sentences, the register byte-identical "
        f"after each), {tally['accepted']} accepted with the right counts, "
        f"{len(problems)} problems, no traceback; slowest {slowest * 1000:.0f} ms "
        f"({slowest_case})"))
    assert problems == [], "\n".join(problems[:10])
    assert interchange_files >= 300 and csv_files >= 100
