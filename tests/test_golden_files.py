"""Golden files: every writer makes the committed bytes on this platform, and every committed
file still imports here.

tests/data/golden/v1/ holds one file of each kind of format version 1 (cards, a signed, a
sealed and a nil quarterly file, a receipt, a merged component-level file, the report as CSV
and PDF, and the confidant's PDF overview), made by tools/make_golden.py from fixed keys,
clock, submission ids and register content. This test runs on Linux and, under Wine, on the
Windows CPython with the Windows wheels, against the SAME committed files:

- ``build`` makes every file again here, through the real services and real SQLCipher
  registers, and each must equal the committed bytes. So a file written on Windows is the file
  Linux writes, and a change to a writer shows up even when the reader was changed with it.
- Each committed file is then imported through the services (cards into a roster and as the
  recipient, the quarterly files into a coordinator register, the merged file into a central
  register, the receipt back into the confidant's register) or parsed (CSV; PDF with pypdf),
  and the figures found must be exactly the ones the files carry. A reader that stops
  accepting a committed file fails here.

The sealed file is compared byte for byte too. Sealing draws an ephemeral X25519 key and a
nonce; ``crypto.seal`` takes them from ``random_bytes`` (``os.urandom`` by default), and the
generator passes a seeded stream. The alternative, committing a sealed file and only checking
that it decrypts, would leave the envelope's construction (key derivation, associated data,
field encoding) unchecked against the committed bytes on the writing side. The price is a
parameter through which a caller could pass a weak source; no module of the program does, and
``test_the_program_never_chooses_the_sealing_randomness`` keeps it so. The committed sealed
file is also imported (decrypted) on each platform, with the coordinator's fixed key.
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import hashlib
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.export import cards, crypto, interchange, receipts
from app.export.disclosure import status_label
from app.export.measures import Measures
from app.export.report_model import cell_text
from app.i18n import translator
from app.services.confidant import coordinator_link, exporting
from app.services.coordination import importing, merging, roster
from app.services.coordination.importing import ImportStatus
from app.services.coordination.report_data import report_data
from app.services.storage import vault
from tests.conftest import PASSPHRASE
from tools import make_golden as golden
from tools.make_golden import COORDINATOR, FILES, QUARTER, VP, VP_NIL

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden"
V1 = GOLDEN / "v1"


def committed(name: str) -> bytes:
    return (V1 / name).read_bytes()


def inner_sha256(sealed: bytes) -> str:
    """The identity of a sealed file: the SHA-256 of the signed file inside."""
    return interchange.read_file(sealed, COORDINATOR.sealing_private,
                                 today=golden.IMPORTED.date()).sha256


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[golden.Built]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VERTROUWD_HOME", str(tmp_path_factory.mktemp("golden-home")))
        yield golden.build(tmp_path_factory.mktemp("golden"))


# --- the files are there, and this platform's writers make them byte for byte ---------------
def test_every_format_version_has_its_golden_files() -> None:
    versions = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
    assert versions == [f"v{golden.FORMAT_VERSION}"], "a new format version keeps the old folder"
    assert sorted(p.name for p in V1.iterdir()) == sorted(FILES)
    attributes = (GOLDEN / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert "* -text" in attributes  # git never converts their line endings
    for name in FILES:
        data = committed(name)
        assert data, name
        if name.endswith(".json"):  # canonical JSON, no trailing newline, no BOM
            assert data.startswith(b'{"') and data.endswith(b"}"), name
            assert b"\n" not in data and b"\r" not in data, name


@pytest.mark.parametrize("name", sorted(FILES))
def test_this_platform_writes_the_committed_bytes(built: golden.Built, name: str) -> None:
    made, kept = built.files[name], committed(name)
    assert made == kept, (
        f"{name} ({FILES[name]}) differs from tests/data/golden/v1/{name}: "
        f"{golden.describe_difference(kept, made)}. If the format changed on purpose, run "
        "`python tools/make_golden.py` and have the diff of tests/data/golden reviewed; if "
        "only this platform differs, fix the writer."
    )


def test_a_changed_byte_is_reported_where_it_is() -> None:
    kept = committed("receipt.json")
    changed = kept.replace(b"CLAS-GLDCV", b"CLAS-GLDCX")
    message = golden.describe_difference(kept, changed)
    assert f"first difference at byte {kept.index(b'CLAS-GLDCV') + 9}" in message


def test_the_program_never_chooses_the_sealing_randomness() -> None:
    """Only tests and tools/make_golden.py pass ``random_bytes``; app/ at most hands it on."""
    offenders = [hit for path in sorted((ROOT / "app").rglob("*.py"))
                 for hit in _random_bytes_choices(path.read_text(encoding="utf-8"), path.name)]
    assert offenders == []
    assert _random_bytes_choices("seal(k, p, random_bytes=lambda n: bytes(n))", "x.py") != []
    assert _random_bytes_choices("seal(k, p, random_bytes=random_bytes)", "x.py") == []


def _random_bytes_choices(source: str, name: str) -> list[str]:
    """Calls that pass ``random_bytes=`` anything but a parameter of the same name."""
    hits = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                passed_on = isinstance(keyword.value, ast.Name) and keyword.value.id == keyword.arg
                if keyword.arg == "random_bytes" and not passed_on:
                    hits.append(f"{name}:{node.lineno}")
    return hits


# --- each committed file imports here, with exactly its figures -----------------------------
@pytest.fixture
def coordinator(tmp_path: Path) -> Iterator[vault.Register]:
    """A coordinator register of CLAS-GLDCV (its keys open the sealed file) with both
    confidants enrolled from their committed cards."""
    register = golden.make_register(tmp_path / "coordinator", COORDINATOR)
    try:
        for card in ("card-vp.json", "card-vp-nil.json"):
            roster.add_card(register, committed(card), today=golden.ENROLLED_ON,
                            active_from=golden.ENROLLED_ON)
        yield register
    finally:
        register.close()


QUARTERLY = ("vp-quarterly-signed.json", "vp-quarterly-sealed.json", "vp-quarterly-nil.json")


def import_quarterly(register: vault.Register, receipts_dir: Path) -> importing.ImportResult:
    plan = importing.plan_import(register, [V1 / name for name in QUARTERLY],
                                 golden.IMPORTED.date())
    statuses = {item.path.name: item.status for item in plan.items}
    assert statuses == {
        "vp-quarterly-signed.json": ImportStatus.NEW,
        "vp-quarterly-sealed.json": ImportStatus.REPLACES,
        "vp-quarterly-nil.json": ImportStatus.NEW,
    }, [item.reason for item in plan.items]
    return importing.apply_import(register, plan, receipts_dir=receipts_dir, now=golden.IMPORTED)


def test_cards_enrol_and_become_the_recipient(coordinator: vault.Register,
                                              tmp_path: Path) -> None:
    members = {m.code: m for m in roster.list_members(coordinator)}
    assert set(members) == {VP.code, VP_NIL.code}
    for who in (VP, VP_NIL):
        assert members[who.code].fingerprint == crypto.fingerprint_hex(who.signing_public)
        assert members[who.code].role == "vp" and members[who.code].component == "CLAS"
    card = cards.read_card(committed("card-coordinator.json"))
    assert (card.code, card.role, card.created_at) == (COORDINATOR.code, "coordinator",
                                                        "2026-01-12T09:00:00Z")
    confidant, _code = vault.create_register(tmp_path / "vp", PASSPHRASE, roles=("vp",),
                                             component="CLAS")
    try:
        coordinator_link.import_recipient_card(confidant, V1 / "card-coordinator.json")
        recipient = coordinator_link.recipient_card(confidant)
        assert recipient is not None and recipient.code == COORDINATOR.code
        assert recipient.sealing_public_key == COORDINATOR.sealing_public
        assert recipient.fingerprint == crypto.fingerprint_hex(COORDINATOR.signing_public)
    finally:
        confidant.close()


def test_quarterly_files_import_with_exactly_their_figures(coordinator: vault.Register,
                                                          tmp_path: Path) -> None:
    result = import_quarterly(coordinator, tmp_path / "receipts")
    assert (result.added, result.replaced, result.refused) == (2, 1, 0)
    read = {name: interchange.read_file(committed(name), COORDINATOR.sealing_private,
                                        today=golden.IMPORTED.date()) for name in QUARTERLY}
    assert read["vp-quarterly-sealed.json"].sealed
    assert not read["vp-quarterly-signed.json"].sealed
    assert read["vp-quarterly-signed.json"].measures == golden.EXPECTED_VP_R1
    assert read["vp-quarterly-sealed.json"].measures == golden.EXPECTED_VP_R2
    assert read["vp-quarterly-nil.json"].measures == Measures()
    assert read["vp-quarterly-nil.json"].nil_return

    table = merging.quarter_table(coordinator, QUARTER)
    counted = {c.sender_code: c for c in table.counted}
    assert set(counted) == {VP.code, VP_NIL.code}
    for code, name in ((VP.code, "vp-quarterly-sealed.json"),
                       (VP_NIL.code, "vp-quarterly-nil.json")):
        assert counted[code].sha256 == read[name].sha256
        assert counted[code].measures == read[name].measures
        assert counted[code].payload == read[name].payload
    assert table.measures == golden.EXPECTED_VP_R2  # revision 2 replaced 1; the nil adds 0

    # The receipt this import wrote is the committed one: same file, key and clock.
    (receipt,) = [p for p in result.receipts if "-r2-" in p.name]
    assert receipt.read_bytes() == committed("receipt.json")


def test_receipt_imports_back_into_the_confidants_register(built: golden.Built,
                                                          tmp_path: Path) -> None:
    data = committed("receipt.json")
    receipt = receipts.read_receipt(data, COORDINATOR.signing_public)
    sealed_identity = inner_sha256(committed("vp-quarterly-sealed.json"))
    assert (receipt.submission_id, receipt.revision, receipt.sha256) == (
        str(golden.SUBMISSION_VP_R2), 2, sealed_identity)
    assert (receipt.period, receipt.sender_code, receipt.receiver_code) == (
        "2026-Q1", VP.code, COORDINATOR.code)
    assert receipt.received_at == "2026-04-10T14:00:00Z"

    folder = tmp_path / "vp"
    shutil.copytree(built.vp_register, folder)
    register = vault.unlock(folder, golden.PASSPHRASE)
    try:
        before = {(h.revision, h.received_at) for h in exporting.history(register)}
        assert before == {(1, None), (2, None)}
        row = coordinator_link.import_receipt(register, V1 / "receipt.json")
        assert (row.quarter, row.revision, row.sha256) == ("2026-Q1", 2, sealed_identity)
        assert row.received_at == golden.IMPORTED
        after = {(h.revision, h.received_at) for h in exporting.history(register)}
        assert after == {(1, None), (2, golden.IMPORTED)}
    finally:
        register.close()


def test_merged_file_imports_at_the_central_level(tmp_path: Path) -> None:
    data = committed("component-merged.json")
    merged = interchange.read_file(data, today=golden.IMPORTED.date())
    assert (merged.level, merged.sender.code, merged.quarter) == ("component", COORDINATOR.code,
                                                                   "2026-Q1")
    assert merged.measures == golden.EXPECTED_VP_R2
    sources = {s["sender_code"]: s for s in merged.payload["sources"]}
    assert sources[VP.code]["sha256"] == inner_sha256(committed("vp-quarterly-sealed.json"))
    assert sources[VP.code]["revision"] == 2
    assert sources[VP_NIL.code]["sha256"] == hashlib.sha256(
        committed("vp-quarterly-nil.json")).hexdigest()
    assert merged.payload["reporting"] == {
        "expected": [VP_NIL.code, VP.code], "received": [VP_NIL.code, VP.code],
        "nil": [VP_NIL.code], "missing": []}

    central, _code = vault.create_register(tmp_path / "central", PASSPHRASE, roles=("central",),
                                           component="DEFENSIE")
    try:
        roster.add_card(central, committed("card-coordinator.json"), today=golden.ENROLLED_ON,
                        active_from=golden.ENROLLED_ON)
        plan = importing.plan_import(central, [V1 / "component-merged.json"],
                                     golden.IMPORTED.date())
        assert [i.status for i in plan.items] == [ImportStatus.NEW], plan.items[0].reason
        importing.apply_import(central, plan, now=golden.IMPORTED)
        table = merging.quarter_table(central, QUARTER)
        assert [c.sha256 for c in table.counted] == [merged.sha256]
        assert table.counted[0].vp_codes == (VP_NIL.code, VP.code)
        assert table.measures == merged.measures == golden.EXPECTED_VP_R2
        assert table.by_component == {"CLAS": golden.EXPECTED_VP_R2}
    finally:
        central.close()


def test_forwarded_revisions_chain_and_import_at_the_central_level(tmp_path: Path) -> None:
    """Revision 2 of a forwarded file has its own submission id and supersedes revision 1's
    (a writer and reader changed together, say back to a reused id, fail here)."""
    r1 = interchange.read_file(committed("component-merged.json"), today=golden.IMPORTED.date())
    r2 = interchange.read_file(committed("component-merged-r2.json"),
                               today=golden.IMPORTED.date())
    assert (r1.revision, r1.payload["supersedes"]) == (1, None)
    assert (r2.revision, r2.submission_id, r2.payload["supersedes"]) == (
        2, str(golden.SUBMISSION_MERGED_R2), str(golden.SUBMISSION_MERGED))
    assert r2.payload["sources"] == r1.payload["sources"] and r2.measures == r1.measures
    central_card = cards.read_card(committed("card-central.json"))
    assert (central_card.code, central_card.component, central_card.role) == (
        golden.CENTRAL.code, "DEFENSIE", "central")

    central = golden.make_register(tmp_path / "central", golden.CENTRAL, component="DEFENSIE")
    try:
        roster.add_card(central, committed("card-coordinator.json"), today=golden.ENROLLED_ON,
                        active_from=golden.ENROLLED_ON)
        plan = importing.plan_import(central, [V1 / "component-merged-r2.json",
                                               V1 / "component-merged.json"],
                                     golden.CENTRAL_IMPORTED.date())
        statuses = {i.path.name: i.status for i in plan.items}
        assert statuses == {"component-merged.json": ImportStatus.NEW,
                            "component-merged-r2.json": ImportStatus.REPLACES}, [
            i.reason for i in plan.items]
        importing.apply_import(central, plan, now=golden.CENTRAL_IMPORTED)
        table = merging.quarter_table(central, QUARTER)
        assert [c.sha256 for c in table.counted] == [r2.sha256]
    finally:
        central.close()

    defence = interchange.read_file(committed("defence-merged.json"),
                                    today=golden.IMPORTED.date())
    assert (defence.level, defence.sender.code, defence.revision) == (
        "defence", golden.CENTRAL.code, 1)
    assert defence.measures == golden.EXPECTED_VP_R2
    assert [s["sender_code"] for s in defence.payload["sources"]] == [VP_NIL.code, VP.code]
    assert [(m["sha256"], m["revision"]) for m in defence.payload["merged_from"]] == [
        (r2.sha256, 2)]


def test_report_csv_holds_exactly_the_reports_figures(coordinator: vault.Register,
                                                     tmp_path: Path) -> None:
    data = committed("report.csv")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, for Excel
    assert data.endswith(b"\r\n") and data.count(b"\n") == data.count(b"\r\n")  # CRLF only
    text = data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert lines[0] == ["# Jaarrapportage vertrouwenspersonen 2026 — Commando Landstrijdkrachten"]
    assert lines[1] == ["# Gemaakt op 20 april 2026, 09:30"]
    header_at = next(i for i, row in enumerate(lines) if not row[0].startswith("#"))
    assert lines[header_at] == ["tabel", "tabelcode", "rij", "rijcode", "kolom", "kolomcode",
                                "waarde", "status", "toelichting"]
    found = [tuple(row) for row in lines[header_at + 1:]]
    assert {len(row) for row in found} == {9}

    # The same report, built here from the committed quarterly files imported for real.
    import_quarterly(coordinator, tmp_path / "receipts")
    report = report_data(coordinator, golden.REPORT_YEAR, None, k=golden.REPORT_K,
                         today=golden.REPORT_MADE.date())
    expected: list[tuple[str, ...]] = []
    dutch = translator("nl")
    for table in report.tables:
        title = table.title.text(dutch)
        if table.unit == "hours":
            title = dutch._("{title} (hours)").format(title=title)
        for r in table.rows:
            for c in table.columns:
                where = (title, table.id, r.label.text(dutch), *table.codes(r, c)[:1],
                         c.label.text(dutch), table.codes(r, c)[1])
                cell = table.cell(r.key, c.key)
                if cell is not None:
                    expected.append((*where, cell_text(table, cell, dutch), cell.status.value,
                                     status_label(cell.status, cell.k, dutch)))
                elif (r.key, c.key) in table.gaps:
                    expected.append((*where, "—", "no_figure", "geen cijfer: " +
                                     table.gaps[(r.key, c.key)].text(dutch)))
    assert found == expected  # every cell and every "no figure", in order
    # each row has its code: the topic group "Overig" and its topic "Overig" are told apart
    # by their labels and codes alike
    overig = {(row[2], row[3]) for row in found
              if row[1] == "topics" and row[3] in ("group:overig", "topic:overig")}
    assert overig == {("Overig (groep)", "group:overig"),
                      ("Overig, niet elders genoemd", "topic:overig")}

    totals = {(row[3], row[5], row[6], row[7]) for row in found if row[1] == "totals"}
    # 2026 had not ended when the report was made (20 April): Q1 only, the rest no figure
    assert {("cases_new", "2026-Q1", "7", "published"), ("cases_new", "2026", "7", "published"),
            ("cases_new", "2026-Q2", "—", "no_figure")} <= totals
    assert ("cases_closed", "2026-Q1", "×", "hidden") in totals
    assert ("contacts", "2026-Q1", "13", "published") in totals
    assert [row[4] for row in found if row[3] == "cases_new" and row[1] == "totals"] == [
        "Q1", "Q2", "Q3", "Q4", "Jaar 2026, Q1"]


def _pdf(name: str) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(committed(name)))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def _invariant_metadata(reader: PdfReader, title: str) -> None:
    meta = reader.metadata
    assert meta is not None
    assert meta.title == title and meta.creator == f"Vertrouwd {golden.APP_VERSION}"
    assert meta["/CreationDate"] == "D:20000101000000+00'00'"  # reportlab's invariant mode


def test_vp_pdf_shows_the_quarter_of_the_sealed_file() -> None:
    reader, text = _pdf("vp-quarter.pdf")
    assert len(reader.pages) == 2
    _invariant_metadata(reader, "Kwartaaloverzicht 2026-Q1")
    assert "Register CLAS-GLDVP" in text and "Pagina 2 van 2" in text
    identity = inner_sha256(committed("vp-quarterly-sealed.json"))
    assert exporting.short_fingerprint(identity) in text  # the file the coordinator got
    assert "versie 2 (ondertekend en versleuteld voor de coördinator)" in text
    m = golden.EXPECTED_VP_R2
    # The measure catalogue's wording (app/export/measures.py LABELS), as in every other view.
    for label, value in (("Nieuwe casussen (eerste contact in de periode)", m.cases_new),
                         ("Afgesloten casussen", m.cases_closed),
                         ("Open casussen aan het eind van de periode", m.cases_open_end),
                         ("Eerste contacten", m.contacts_first),
                         ("Vervolgcontacten", m.contacts_followup)):
        assert re.search(rf"^{re.escape(label)}\n {value}$", text, re.MULTILINE), label
    assert "Tijd besteed aan contactmomenten\n 8 u 5 min (485 min)" in text
    assert "vrije tekst" not in text  # a memo never reaches a file


def test_report_pdf_shows_the_protected_figures() -> None:
    reader, text = _pdf("report.pdf")
    assert len(reader.pages) == 4
    title = "Jaarrapportage vertrouwenspersonen 2026 — Commando Landstrijdkrachten"
    _invariant_metadata(reader, title)
    assert "Minimale celfrequentie (k)\n5" in text and "Pagina 4 van 4" in text
    assert "Nieuwe casussen (eerste contact in de periode)\n 7\n —\n —\n —\n 7" in text
    assert "Afgesloten casussen\n ×\n —\n —\n —\n ×" in text
    assert "Contactmomenten, totaal\n 13\n —\n —\n —\n 13" in text
    assert "geen cijfer: het kwartaal was op 20 april 2026 nog niet voorbij" in text


def test_committed_json_files_are_the_canonical_spelling_of_their_content() -> None:
    """Re-serialising a committed file changes nothing (``open_envelope`` refuses any other
    spelling, so this is what keeps a hand edit of a golden file from passing)."""
    for name in FILES:
        if name.endswith(".json"):
            data = committed(name)
            assert json.dumps(json.loads(data), sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False).encode() == data, name


def test_revision_one_and_two_differ_only_where_the_late_contact_is() -> None:
    r1 = interchange.read_file(committed("vp-quarterly-signed.json"),
                               today=golden.IMPORTED.date())
    r2 = interchange.read_file(committed("vp-quarterly-sealed.json"),
                               COORDINATOR.sealing_private, today=golden.IMPORTED.date())
    assert r2.payload["supersedes"] == r1.submission_id == str(golden.SUBMISSION_VP_R1)
    changed = {f.name for f in dataclasses.fields(Measures)
               if getattr(r1.measures, f.name) != getattr(r2.measures, f.name)}
    assert changed == {"contacts_followup", "minutes_contacts", "modes"}
