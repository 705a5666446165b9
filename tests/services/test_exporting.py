"""The VP's quarterly export: exact, anonymous, signed, sealed, revisioned, acknowledged."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from app.errors import AppError, SealedNoKey
from app.export import interchange, receipts
from app.models.periods import Quarter
from app.paths import resources_dir
from app.services.confidant import coordinator_link, exporting
from app.services.confidant.cases import CaseService
from app.services.storage import vault
from tests.conftest import PASSPHRASE

TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
CANARY = "KANARIE-export-4471-Pietersen"
Q3 = Quarter(2026, 3)


@pytest.fixture(scope="session")
def coordinator_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("coord") / "register"
    reg, _ = vault.create_register(folder, PASSPHRASE, roles=("coordinator",), component="CLAS")
    reg.close()
    return folder


@pytest.fixture
def coordinator(coordinator_template: Path) -> Iterator[vault.Register]:
    reg = vault.unlock(coordinator_template, PASSPHRASE)
    yield reg
    reg.close()


def _fill(register: vault.Register) -> None:
    s = CaseService(register, today=lambda: TODAY)
    a = s.open_case(on=dt.date(2026, 7, 3), minutes=60, mode="persoonlijk",
                    topics=["pesten", "intimidatie"], memo=f"gesprek met {CANARY}").id
    s.add_contact(a, on=dt.date(2026, 8, 14), minutes=45, mode="telefoon")
    s.open_case(on=dt.date(2026, 9, 29), minutes=30, mode="video", topics=["arbeidsconflict"])
    s.add_activity(on=dt.date(2026, 9, 2), minutes=120, kind="voorlichting")


def test_exported_file_is_exact_anonymous_and_valid(
    register: vault.Register, tmp_path: Path
) -> None:
    _fill(register)
    result = exporting.export_quarter(register, Q3, tmp_path, today=TODAY, now=NOW)
    raw = result.path.read_bytes()
    assert CANARY.encode() not in raw and b"gesprek" not in raw
    document = json.loads(raw)
    payload = document["payload"]  # not sealed: no coordinator card yet
    schema = json.loads(
        (resources_dir() / "schema" / "vertrouwd-quarterly-v1.schema.json").read_text()
    )
    jsonschema.validate(payload, schema)
    m = payload["measures"]
    assert (m["cases_new"], m["contacts_first"], m["contacts_followup"]) == (2, 2, 1)
    assert m["minutes_contacts"] == 135 and m["minutes_activities"]["voorlichting"] == 120
    assert m["topics"]["pesten"] == 1 and sum(m["topics"].values()) == 3
    # No date finer than the quarter, apart from when the file was made.
    text = json.dumps({k: v for k, v in payload.items() if k != "created_at"})
    assert re.findall(r"\d{4}-\d{2}-\d{2}", text) == ["2026-07-01"]  # the interval's start
    assert "case_id" not in text and "memo" not in text
    verified = interchange.read_file(raw, today=TODAY)
    assert verified.sha256 == result.sha256 and not verified.nil_return


def test_nil_return_is_explicit(register: vault.Register, tmp_path: Path) -> None:
    view = exporting.preview(register, Q3, today=TODAY)
    assert view.nil_return and view.measures.is_zero()
    result = exporting.export_quarter(register, Q3, tmp_path, today=TODAY, now=NOW)
    assert json.loads(result.path.read_bytes())["payload"]["nil_return"] is True


def test_second_export_is_revision_two_superseding_one(register: vault.Register,
                                                        tmp_path: Path) -> None:
    _fill(register)
    first = exporting.export_quarter(register, Q3, tmp_path, today=TODAY, now=NOW)
    view = exporting.preview(register, Q3, today=TODAY)
    assert view.revision == 2 and any(w[0] == exporting.WARN_ALREADY for w in view.warnings)
    second = exporting.export_quarter(register, Q3, tmp_path, today=TODAY, now=NOW)
    payload = json.loads(second.path.read_bytes())["payload"]
    assert payload["revision"] == 2 and payload["supersedes"] == first.submission_id
    assert first.path != second.path and first.path.exists()
    assert [h.revision for h in exporting.history(register)] == [2, 1]


def test_warnings_for_open_quarter_and_missing_card(register: vault.Register) -> None:
    view = exporting.preview(register, Quarter(2026, 4), today=TODAY)
    ids = [w[0] for w in view.warnings]
    assert exporting.WARN_NOT_OVER in ids and exporting.WARN_UNSEALED in ids
    assert exporting.default_quarter(TODAY) == Q3


def test_sealed_to_coordinator_and_receipt_round_trip(register: vault.Register,
                                                      coordinator: vault.Register,
                                                      tmp_path: Path) -> None:
    _fill(register)
    card = exporting.write_own_card(coordinator, tmp_path / "coord-card.json")
    imported = coordinator_link.import_recipient_card(register, card)
    assert imported.role == "coordinator"
    result = exporting.export_quarter(register, Q3, tmp_path / "usb", today=TODAY, now=NOW)
    assert result.sealed
    raw = result.path.read_bytes()
    assert b"cases_new" not in raw  # sealed: nothing readable on a lost stick
    with pytest.raises(SealedNoKey):
        interchange.read_file(raw, today=TODAY)
    profile = coordinator.profile()
    assert profile is not None
    verified = interchange.read_file(raw, profile.sealing_private_key, today=TODAY)
    assert verified.measures.cases_new == 2 and verified.sha256 == result.sha256

    receipt = receipts.write_receipt(verified, receiver_code=profile.code, received_at=NOW,
                                     signing_private_key=profile.signing_private_key)
    (tmp_path / "receipt.json").write_bytes(receipt)
    row = coordinator_link.import_receipt(register, tmp_path / "receipt.json")
    assert row.received_at is not None and row.quarter == "2026-Q3"
    assert exporting.history(register)[0].received_at is not None


def test_cards_that_do_not_fit_are_refused(register: vault.Register, tmp_path: Path) -> None:
    own = exporting.write_own_card(register, tmp_path)
    with pytest.raises(AppError):
        coordinator_link.import_recipient_card(register, own)
    other_dir = tmp_path / "kmar"
    other, _ = vault.create_register(
        other_dir, PASSPHRASE, roles=("coordinator",), component="KMar"
    )
    card = exporting.write_own_card(other, tmp_path / "kmar.json")
    other.close()
    with pytest.raises(AppError) as info:
        coordinator_link.import_recipient_card(register, card)
    assert "KMar" in info.value.message and coordinator_link.recipient_card(register) is None
