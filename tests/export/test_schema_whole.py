"""Identifiers, codes and periods are matched whole (issue 13, item 2): in the shipped JSON
Schemas, in the schema validator and in every regular expression of the program.

JSON Schema patterns are ECMA-262 regular expressions, where `$` is the end of the string;
the jsonschema library applies them with Python's `re.search`, where `$` also matches before a
final newline. So "2026-Q2\\n" used to pass `^[0-9]{4}-Q[1-4]$`, and crashed the import batch
further on (exit 1, every other file of the batch lost with it).
"""

from __future__ import annotations

import ast
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import cli, errors
from app.errors import ValidationError
from app.export import cards, crypto, interchange, receipts, schema
from app.export.signed import sign_envelope
from app.models.periods import Quarter
from app.services.confidant.queries import period_range
from app.services.coordination import merging
from tests.conftest import PASSPHRASE, snapshot
from tests.services.conftest import coordinator_dir, coordinator_template  # noqa: F401
from tests.services.coordination_helpers import (
    CREATED,
    QUARTER,
    TODAY,
    enrol,
    new_sender,
    vp_file,
    vp_payload,
    write,
)

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = (schema.QUARTERLY, schema.SIGNED_FILE, schema.SEALED, schema.CARD, schema.RECEIPT)


def _patterns(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield where, value
            else:
                yield from _patterns(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _patterns(value, f"{where}[{i}]")


def test_every_shipped_pattern_is_anchored_and_ascii_only() -> None:
    found = [(name, where, p) for name in SCHEMAS
             for where, p in _patterns(schema.load_schema(name))]
    assert len(found) >= 20
    for name, where, pattern in found:
        assert pattern.startswith("^") and pattern.endswith("$"), (name, where, pattern)
        # \d, \w, \s mean more in Python than in ECMA-262: the schemas spell classes out.
        assert not re.search(r"\\[dwsDWSb]", pattern), (name, where, pattern)


def test_the_validator_reads_dollar_as_the_end_of_the_string() -> None:
    for _name, _where, pattern in [(n, w, p) for n in SCHEMAS
                                   for w, p in _patterns(schema.load_schema(n))]:
        compiled = schema.ecma_pattern(pattern)
        assert compiled.pattern.endswith(r"\Z")
    assert schema.ecma_pattern("^[0-9]{4}-Q[1-4]$").search("2026-Q2")
    assert not schema.ecma_pattern("^[0-9]{4}-Q[1-4]$").search("2026-Q2\n")
    assert schema.ecma_pattern(r"^a\$$").search("a$")  # an escaped dollar stays a dollar
    assert schema.ecma_pattern("^[$]$").search("$")  # and so does one in a class


def _resign(payload: dict[str, Any], key: crypto.KeyPair, fmt: str = interchange.FILE_FORMAT
            ) -> bytes:
    return sign_envelope(fmt, payload, key.private_key)


QUARTERLY_EDITS = {
    "period": lambda p: p["period"].update(quarter=p["period"]["quarter"] + "\n"),
    "interval": lambda p: p["period"].update(interval=p["period"]["interval"] + "\n"),
    "sender code": lambda p: p["sender"].update(code=p["sender"]["code"] + "\n"),
    "component": lambda p: p["sender"].update(component="CLAS\n"),
    "fingerprint": lambda p: p["sender"].update(fingerprint=p["sender"]["fingerprint"] + "\n"),
    "submission id": lambda p: p.update(submission_id=p["submission_id"] + "\n"),
    "created_at": lambda p: p.update(created_at=p["created_at"] + "\n"),
    "app_version": lambda p: p.update(app_version="0.1.0\n"),
    "codelist version": lambda p: p["codelist"].update(version="2026.1\n"),
    "code key": lambda p: p["measures"]["topics"].update({"pesten\n": 0}),
    "arabic digits": lambda p: p["period"].update(quarter="٢٠٢٦-Q3"),
}


@pytest.mark.parametrize("edit", sorted(QUARTERLY_EDITS))
def test_a_quarterly_field_with_a_trailing_newline_is_refused(edit: str) -> None:
    sender = new_sender("CLAS-AAAAA")
    payload = json.loads(json.dumps(vp_payload(sender, interchange.Measures())))
    QUARTERLY_EDITS[edit](payload)
    with pytest.raises(errors.InvalidImportFile) as caught:
        interchange.read_file(_resign(payload, sender.key), today=TODAY)
    assert "Nothing was imported" in caught.value.msgid


def test_a_card_code_or_component_with_a_trailing_newline_is_refused() -> None:
    sender = new_sender("CLAS-AAAAA")
    good = json.loads(sender.card())["payload"]
    for field, value in (("code", "CLAS-AAAAA\n"), ("component", "CLAS\n"),
                         ("created_at", good["created_at"] + "\n")):
        payload = {**good, field: value}
        with pytest.raises(errors.InvalidImportFile):
            cards.read_card(_resign(payload, sender.key, cards.FILE_FORMAT))


def test_a_receipt_period_with_a_trailing_newline_is_refused() -> None:
    vp, coordinator = new_sender("CLAS-AAAAA"), new_sender("CLAS-CCCCC", role="coordinator")
    received = interchange.read_file(vp_file(vp, interchange.Measures()), today=TODAY)
    data = receipts.write_receipt(received, receiver_code=coordinator.code, received_at=CREATED,
                                  signing_private_key=coordinator.key.private_key)
    payload = json.loads(data)["payload"]
    for field in ("period", "sender_code", "sha256"):
        edited = {**payload, field: payload[field] + "\n"}
        with pytest.raises(errors.InvalidImportFile):
            receipts.read_receipt(_resign(edited, coordinator.key, receipts.FILE_FORMAT),
                                  coordinator.key.public_key)


def test_a_merged_files_source_code_with_a_trailing_newline_is_refused() -> None:
    vp, acvp = new_sender("CLAS-AAAAA"), new_sender("CLAS-ACVP1", role="coordinator")
    inner = interchange.read_file(vp_file(vp, interchange.Measures()), today=TODAY)
    payload = interchange.build_merged_payload(
        [inner], level="component",
        sender=interchange.Sender(acvp.code, acvp.component, acvp.fingerprint), expected=(),
        submission_id="0b7a1a4e-5d5c-4a38-9b6b-1f1c2a3d4e5f", revision=1, supersedes=None,
        created_at=CREATED, app_version="0.1.0")
    payload["sources"][0]["sender_code"] += "\n"
    payload["merged_from"][0]["sender_code"] += "\n"
    with pytest.raises(errors.InvalidImportFile):
        interchange.read_file(_resign(payload, acvp.key), today=TODAY)


@pytest.mark.parametrize("text", ["2026-Q2\n", "2026-Q2\r", "٢٠٢٦-Q2", "2026-Q２", "2026-q2",
                                  "2026-Q2 x", "x2026-Q2"])
def test_quarters_typed_or_stored_are_matched_whole(text: str) -> None:
    with pytest.raises(ValidationError):
        Quarter.parse(text)
    with pytest.raises(ValueError):
        period_range(text)
    assert Quarter.parse("2026-Q2") == Quarter(2026, 2)
    assert period_range("2026") == (period_range("2026-Q1")[0], period_range("2026-Q4")[1])


@pytest.mark.parametrize("text", ["2026\n", "٢٠٢٦"])
def test_years_are_matched_whole(text: str) -> None:
    with pytest.raises(ValueError):
        period_range(text)


def test_one_malformed_file_is_refused_and_the_rest_of_the_batch_imports(
        coordinator_dir: Path, tmp_path: Path) -> None:
    """The batch of the issue: a period with a trailing newline among good files. Before,
    the dry run and the import both stopped with exit 1 and a traceback."""
    from app.services.storage import vault

    good, bad = new_sender("CLAS-AAAAA"), new_sender("CLAS-BBBBB")
    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    enrol(reg, good, bad)
    reg.close()
    payload = json.loads(json.dumps(vp_payload(bad, interchange.Measures())))
    payload["period"]["quarter"] = QUARTER + "\n"
    folder = tmp_path / "stick"
    write(folder, "a-good.json", vp_file(good, interchange.Measures()))
    write(folder, "b-bad.json", _resign(payload, bad.key))
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    base = ["--lang", "en", "--register", str(coordinator_dir), "--passphrase-file",
            str(secret)]
    out, err = io.StringIO(), io.StringIO()
    before = snapshot(coordinator_dir)
    assert cli.main([*base, "import", "--dry-run", str(folder)], out=out, err=err) == 2
    assert snapshot(coordinator_dir) == before and "Traceback" not in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert cli.main([*base, "import", str(folder)], out=out, err=err) == 2
    text = out.getvalue()
    assert "b-bad.json: The reporting period in the file" in text
    assert "Imported 1 new" in text and "Traceback" not in err.getvalue()
    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    try:
        counted = merging.quarter_table(reg, QUARTER).counted
        assert [c.sender_code for c in counted] == [good.code]
    finally:
        reg.close()


def test_no_regular_expression_of_the_program_matches_with_a_dollar_or_unicode_digits() -> None:
    """`$` matches before a final newline and `\\d` matches every script's digits: patterns of
    the program use fullmatch (or \\Z) and [0-9]. (The memo guard looks for numbers anywhere
    in free text on purpose.)"""
    allowed = {"app/services/confidant/memo_guard.py"}
    offenders = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "compile" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                pattern = node.args[0].value
                if pattern.endswith("$") or "\\d" in pattern:
                    offenders.append(f"{name}:{node.lineno}: {pattern}")
    assert offenders == []
