"""A corpus of over 200 bad files: each refused with its own sentence, the register untouched."""

from __future__ import annotations

import json
import random
from pathlib import Path

from app import errors
from app.export import crypto
from app.export.interchange import FILE_FORMAT
from app.export.measures import Measures
from app.export.signed import sign_envelope
from app.i18n import _
from app.services.coordination.importing import ImportStatus, apply_import, plan_import
from app.services.storage import vault
from tests.conftest import PASSPHRASE, snapshot

from .coordination_helpers import TODAY, enrol, new_sender, vp_file, vp_payload

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
