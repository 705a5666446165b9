"""Published reports (PDF, CSV) of real coordination registers, audited for disclosure."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import random
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import cli, i18n, owner_only
from app.errors import ValidationError
from app.export.csv_report import neutralise, render_report_csv
from app.export.disclosure import (
    HIDDEN_MARK,
    Certificate,
    Publication,
    Status,
    rule_text,
    verify_certificate,
)
from app.export.measures import Measures
from app.export.pdf_report import chart_points, render_report_pdf
from app.export.report_model import NO_FIGURE, ReportData, cell_text
from app.i18n import translator
from app.models import codelists
from app.services.coordination import report_data as report_service
from app.services.coordination.importing import apply_import, plan_import
from app.services.coordination.period_plan import publish_report
from app.services.coordination.report_data import report_data
from app.services.storage.vault import Register
from tests.conftest import PASSPHRASE
from tests.services.conftest import (  # noqa: F401 (fixtures)
    central,
    central_template,
    coordinator,
    coordinator_dir,
    coordinator_template,
)
from tests.services.coordination_helpers import (
    TODAY,
    enrol,
    merged_file,
    new_sender,
    report_measures,
    vp_file,
    write,
)
from tests.services.disclosure_oracle import attack

NOW = dt.datetime(2026, 12, 1, 10, 0)
DAY = dt.date(2027, 1, 15)  # the reports' "today": every quarter of 2026 has ended
COMPONENTS = ["BS", "CZSK", "CLAS", "CLSK", "KMar", "DOSCO", "COMMIT"]


def _import(reg: Register, paths: list[Path]) -> None:
    plan = plan_import(reg, paths, TODAY)
    result = apply_import(reg, plan, now=dt.datetime(2026, 12, 1, 9, 0))
    assert result.refused == 0, [i.reason for i in plan.items if i.status.value == "refused"]


# --- a component with known small counts ------------------------------------------------
def _m(new: int, topics: dict[str, int], *, closed: int = 0, open_end: int | None = None,
       follow: int = 0, minutes: int | None = None,
       outcomes: dict[str, int] | None = None) -> Measures:
    """Measures an honest register could send (app.export.measures.inconsistencies): by
    default every new case not closed is open at the end, and a contact lasts half an hour."""
    open_end = max(new - closed, 0) if open_end is None else open_end
    minutes = 30 * (new + follow) if minutes is None else minutes
    return Measures(cases_new=new, cases_closed=closed, cases_open_end=open_end,
                    contacts_first=new, contacts_followup=follow, minutes_contacts=minutes,
                    minutes_activities={"voorlichting": 240}, topics=topics,
                    modes={"persoonlijk": new + follow},
                    outcomes=outcomes or {}, referrals={})


KNOWN = {  # (VP, quarter) -> measures; stalking 1 in Q2, bullying 12 in Q2
    ("A", "2026-Q1"): _m(9, {"pesten": 6, "arbeidsconflict": 3}, follow=6, minutes=900,
                         open_end=9),
    ("A", "2026-Q2"): _m(13, {"pesten": 12, "stalking": 1}, follow=8, minutes=1250, closed=8,
                         open_end=14, outcomes={"handvatten": 8}),
    ("B", "2026-Q3"): _m(7, {"pesten": 5, "arbeidsconflict": 2}, follow=6, minutes=480,
                         closed=6, open_end=15, outcomes={"handvatten": 6}),
    ("B", "2026-Q4"): _m(11, {"pesten": 6, "priveomstandigheden": 5}, follow=12, minutes=1500,
                         closed=10, open_end=16, outcomes={"handvatten": 10}),
    ("A", "2025-Q2"): _m(3, {"pesten": 3}, open_end=3, minutes=135),
    ("B", "2025-Q4"): _m(8, {"pesten": 8}, open_end=14, minutes=360),
}


@pytest.fixture
def known_component(coordinator: Register, tmp_path: Path) -> Register:
    senders = {"A": new_sender("CLAS-AAAAA"), "B": new_sender("CLAS-BBBBB")}
    enrol(coordinator, *senders.values(), active_from=dt.date(2025, 1, 1))
    paths = [write(tmp_path / "in", f"{vp}-{q}.json", vp_file(senders[vp], m, quarter=q))
             for (vp, q), m in KNOWN.items()]
    _import(coordinator, paths)
    return coordinator


def _pdf_text(data: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    return len(reader.pages), lines


def _row(lines: list[str], label: str, n: int, start: str | None = None) -> list[str]:
    """The n values printed after a row label (optionally after a table's heading line: the
    one followed by the table's header, not a chart's title that reads the same)."""
    offset = next(i for i, line in enumerate(lines) if line == start and lines[i + 1] in (
        "Number", "Hours")) if start else 0
    i = lines.index(label, offset)
    return lines[i + 1:i + 1 + n]


def test_component_pdf_shows_published_numbers_and_marks(known_component: Register) -> None:
    data = report_data(known_component, 2026, k=5, today=DAY)
    stalking = data.table("topics")
    assert stalking.cell("topic:stalking", "2026-Q2").status is Status.HIDDEN  # type: ignore[union-attr]
    pages, lines = _pdf_text(render_report_pdf(data, lang="en", now=NOW))
    assert pages == 4
    # columns: 2025 (files for Q2 and Q4 only, said so), then 2026's quarters and year
    assert [c.label.text(translator("en")) for c in stalking.columns] == [
        "2025, Q2, Q4", "Q1", "Q2", "Q3", "Q4", "Year 2026"]
    stalking_row = _row(lines, "Stalking", 6)  # 1 in Q2: hidden, and the year with it
    assert stalking_row[2] == stalking_row[5] == HIDDEN_MARK
    assert set(stalking_row) <= {"0", HIDDEN_MARK}
    assert _row(lines, "New cases (first contact in the period)", 6) == [
        "11", "9", "13", "7", "11", "40"]
    bullying = _row(lines, "Bullying", 6)  # 6, 12, 5, 6, 29: Q2 and the year give stalking away
    assert bullying[0] == "11"
    assert bullying[2] == HIDDEN_MARK and bullying[5] == HIDDEN_MARK
    assert "12" not in bullying and "29" not in bullying
    # every row prints exactly what the protected table says, marks in place of hidden values
    english = translator("en")
    for table in data.tables:
        for row in table.rows:
            label = row.label.text(english)
            if sum(1 for r in table.rows if r.label.text(english) == label) > 1 or len(label) > 34:
                continue  # (a longer label may wrap in the PDF)
            shown = [cell_text(table, c, english) if (c := table.cell(row.key, col.key))
                     else NO_FIGURE for col in table.columns]
            heading = table.title.text(english)
            assert _row(lines, label, len(shown), heading) == shown, (table.id, label)
            for col in table.columns:
                cell = table.cell(row.key, col.key)
                assert cell is None or (cell.value is None) == (
                    cell.status is not Status.PUBLISHED
                )
    hidden_topics = [key for key, cell in stalking.cells.items()
                     if cell.status is not Status.PUBLISHED]
    assert ("topic:stalking", "2026") in hidden_topics
    text = " ".join(lines)
    assert rule_text(5, english).split("“")[0].strip() in text  # "Counts from 1 to 4 are shown as"
    assert "Minimum cell frequency (k)" in text and "Army" in text


def test_dutch_and_english_labels_and_numbers_differ(coordinator: Register,
                                                     tmp_path: Path) -> None:
    a = new_sender("CLAS-AAAAA")
    enrol(coordinator, a)
    big = _m(1500, {"pesten": 1500}, minutes=90_000, follow=1200, open_end=1500)
    _import(coordinator, [write(tmp_path / "in", "a.json", vp_file(a, big, quarter="2026-Q3"))])
    data = report_data(coordinator, 2026, "2026-Q3", k=5, today=DAY)
    _, nl = _pdf_text(render_report_pdf(data, lang="nl", now=NOW))
    _, en = _pdf_text(render_report_pdf(data, lang="en", now=NOW))
    assert _row(nl, "Pesten/treiteren", 1) == ["1.500"]
    assert _row(en, "Bullying", 1) == ["1,500"]
    assert "Onthullingsbeveiliging" in nl and "Disclosure control" in en
    assert "Commando Landstrijdkrachten" in " ".join(nl)



def test_a_report_in_another_language_leaves_the_program_s_language_alone(
        known_component: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window stays Dutch while an English report renders (on whatever thread): the
    renderers get a translator and never switch the process-wide language."""
    data = report_data(known_component, 2026, None, k=5, today=DAY)
    i18n.set_language("nl")
    switches: list[str] = []
    real_set_language = i18n.set_language
    monkeypatch.setattr(i18n, "set_language",
                        lambda lang: (switches.append(lang), real_set_language(lang)))
    _, lines = _pdf_text(render_report_pdf(data, lang="en", now=NOW))
    csv_text = render_report_csv(data, lang="en", now=NOW).decode("utf-8-sig")
    assert switches == []
    assert i18n.current_language() == "nl" and i18n._("Cancel") == "Annuleren"
    assert "Disclosure control" in lines and "Onthullingsbeveiliging" not in lines
    assert "# Generated on" in csv_text and "Gemaakt op" not in csv_text

# --- CSV -------------------------------------------------------------------------------------
def _csv_rows(data: bytes, lang: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";" if lang == "nl" else ","))


def test_csv_has_status_on_every_cell_and_the_rule_on_top(known_component: Register) -> None:
    data = report_data(known_component, 2026, k=5, today=DAY)
    rows = _csv_rows(render_report_csv(data, lang="nl", now=NOW), "nl")
    assert rows[0][0].startswith("# ")
    comments = [r for r in rows if r and r[0].startswith("#")]
    assert any(rule_text(5)[:30] in ";".join(r) for r in comments)
    header_at = next(i for i, r in enumerate(rows) if not r[0].startswith("#"))
    assert rows[header_at] == ["tabel", "tabelcode", "rij", "rijcode", "kolom", "kolomcode",
                               "waarde", "status", "toelichting"]
    body = rows[header_at + 1:]
    assert body and all(
        len(r) == 9 and r[7] in {"published", "hidden", "no_figure"} for r in body)
    stalking = {r[5]: r[6] for r in body if r[3] == "topic:stalking"}
    assert list(stalking) == ["2025", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026"]
    assert stalking["2026-Q2"] == stalking["2026"] == HIDDEN_MARK
    assert {r[6] for r in body if r[7] == "hidden"} == {HIDDEN_MARK}
    assert {r[8] for r in body if r[7] == "hidden"} == {"verborgen: 0 tot en met 4 of minstens 5"}
    # 2025's quarters without files are no figure in the quarter table, with the reason
    gaps = [r for r in body if r[7] == "no_figure"]
    assert {(r[3], r[5]) for r in gaps} == {("cases_new", "2025-Q1"), ("cases_new", "2025-Q3")}
    assert {r[6] for r in gaps} == {NO_FIGURE}
    assert all("geen kwartaalbestanden" in r[8] for r in gaps)
    cells = sum(len(t.cells) for t in data.tables)
    assert len(body) == cells + len(gaps)


@pytest.mark.parametrize("text,expected", [
    ("=1+1", "'=1+1"), ("+31", "'+31"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("2026-Q3", "2026-Q3"), ("a=b", "a=b"), ("", ""),
    ("< 5", "< 5"), ("×", "×"),
])
def test_neutraliser_looks_at_the_first_character_only(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def test_csv_neutralises_formulas_from_a_code_list_label(
        known_component: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    real = codelists.load()
    evil_topics = [dataclasses.replace(t, nl="=HYPERLINK(\"http://x\")", en="@cmd")
                   if t.code == "stalking" else t for t in real.topic_groups[0].topics]
    evil_group = dataclasses.replace(real.topic_groups[0], topics=tuple(evil_topics),
                                     nl="-Ongewenst", en="+Unwanted")
    evil_mode = [dataclasses.replace(m, nl="\tTelefoon", en="\rPhone")
                 if m.code == "telefoon" else m for m in real.contact_modes]
    fake = dataclasses.replace(real, topic_groups=(evil_group, *real.topic_groups[1:]),
                               contact_modes=tuple(evil_mode))
    monkeypatch.setattr(report_service.codelists, "load", lambda version=None: fake)
    data = report_data(known_component, 2026, k=5, today=DAY)
    for lang, labels in (("nl", ["'=HYPERLINK(\"http://x\")", "'-Ongewenst", "'\tTelefoon"]),
                         ("en", ["'@cmd", "'+Unwanted", "'\rPhone"])):
        rows = _csv_rows(render_report_csv(data, lang=lang, now=NOW), lang)
        seen = {r[2] for r in rows if len(r) > 2}
        for label in labels:
            assert label in seen
        assert not any(f and f[0] in "=+-@\t\r" for r in rows for f in r)


# --- charts ----------------------------------------------------------------------------------
def test_chart_draws_published_values_only(known_component: Register) -> None:
    data = report_data(known_component, 2026, k=5, today=DAY)
    english = translator("en")
    charts = {chart.id: chart for chart in data.charts}
    assert [bar.period for bar in charts["years"].bars] == ["2025", "2026"]
    assert chart_points(charts["years"], english)[0] == ["2025\nQ2, Q4", "2026"]
    # 2025's quarters without files are empty slots (no figure, not a zero)
    assert [bar.period for bar in charts["quarters"].bars] == [
        *(f"{y}-Q{q}" for y in (2025, 2026) for q in (1, 2, 3, 4))]
    categories, heights, labels = chart_points(charts["quarters"], english)
    assert categories == ["Q1\n2025", "Q2", "Q3", "Q4", "Q1\n2026", "Q2", "Q3", "Q4"]
    assert [bar.cell is None for bar in charts["quarters"].bars] == [
        True, False, True, False, False, False, False, False]
    assert (heights[0], labels[0], heights[2], labels[2]) == (0, NO_FIGURE, 0, NO_FIGURE)
    bars = data.chart  # the bars with a figure: cells of the report
    assert len(bars) == 2 + 6
    assert any(bar.cell.status is not Status.PUBLISHED for bar in bars)  # type: ignore[union-attr]
    for chart in data.charts:
        _, heights, labels = chart_points(chart, english)
        for bar, height, label in zip(chart.bars, heights, labels, strict=True):
            if bar.cell is None:
                assert height == 0 and label == NO_FIGURE
            elif bar.cell.status is Status.PUBLISHED:
                assert height == bar.cell.value
            else:
                assert height == 0 and label == HIDDEN_MARK
    # the previous year's small quarter is hidden in the chart as in the table
    by_period = {bar.period: bar.cell for bar in bars if bar.cell is not None}
    assert by_period["2025-Q2"].status is Status.HIDDEN
    assert by_period["2025-Q2"] == data.table("comparison").cell("2025", "Q2")
    assert "3" not in chart_points(charts["quarters"], english)[2]


# --- the suppression audit on real report tables ---------------------------------------------
def _random_component(reg: Register, rng: random.Random, folder: Path) -> None:
    senders = [new_sender(f"CLAS-R{i:04d}") for i in range(rng.randint(1, 3))]
    enrol(reg, *senders, active_from=dt.date(2025, 1, 1))
    paths = []
    for year in (2025, 2026):
        for q in (1, 2, 3, 4):
            for s in senders:
                if rng.random() < 0.8:
                    quarter = f"{year}-Q{q}"
                    paths.append(write(folder, f"{s.code}-{quarter}.json",
                                       vp_file(s, report_measures(rng), quarter=quarter)))
    _import(reg, paths)


def _random_central(reg: Register, rng: random.Random, folder: Path,
                    components: list[str] = COMPONENTS) -> None:
    coordinators = {c: new_sender(f"{c}-CVP01", c, "coordinator") for c in components}
    enrol(reg, *coordinators.values(), active_from=dt.date(2025, 1, 1))
    vps = {c: new_sender(f"{c}-VP001", c) for c in components}
    paths = []
    for year in (2025, 2026):
        for q in (1, 2, 3, 4):
            quarter = f"{year}-Q{q}"
            for c in components:
                inner = vp_file(vps[c], report_measures(rng), quarter=quarter)
                paths.append(write(folder, f"{c}-{quarter}.json",
                                   merged_file(coordinators[c], [inner])))
    _import(reg, paths)


def _fresh(template: Path, folder: Path) -> Register:
    import shutil

    from app.services.storage import vault

    shutil.copytree(template, folder)
    return vault.unlock(folder, PASSPHRASE)


def test_no_hidden_count_can_be_worked_out_in_real_reports(
        coordinator_template: Path, central_template: Path, tmp_path: Path) -> None:
    """Real registers, their year report and then a quarter report of the same year (the
    quarter report protected against the year report): the certificate of each holds, and
    the MILP attacker holding both rules out no value 0..k−1 of any hidden small count."""
    rng = random.Random(20260)
    sequences: list[list[Publication]] = []
    hints: list[list[Certificate | None]] = []
    reports = 0
    for n in range(24):
        central_level = n % 4 == 0
        template = central_template if central_level else coordinator_template
        reg = _fresh(template, tmp_path / f"reg{n}")
        try:
            if central_level:
                _random_central(reg, rng, tmp_path / f"in{n}",
                                rng.sample(COMPONENTS, rng.randint(2, 7)))
            else:
                _random_component(reg, rng, tmp_path / f"in{n}")
            k = rng.choice([3, 5, 5, 7])
            published: list[Publication] = []
            last: Certificate | None = None
            for quarter in (None, f"2026-Q{rng.randint(1, 4)}"):
                try:
                    data = report_data(reg, 2026, quarter, k=k, today=DAY,
                                       prior=tuple(published))
                except ValidationError as refused:  # no VP happened to send that quarter
                    assert quarter and "niets te rapporteren" in refused.message
                    continue
                reports += 1
                assert data.publication is not None and data.certificate is not None
                assert verify_certificate(data.publication, published, data.certificate) == []
                published.append(data.publication)
                last = data.certificate
                _check_report_consistency(data)
            sequences.append(published)
            hints.append([last])
        finally:
            reg.close()
    ruled_out, questions = attack(sequences, hints)
    hidden = sum(len(p.hidden()) for s in sequences for p in s)
    print(f"\n{reports} reports, {hidden} hidden cells, {questions} questions left to MILP")
    assert hidden > 300
    assert ruled_out == []


def _check_report_consistency(data: ReportData) -> None:
    """A cell shown in two tables has one status; hours hide where contacts hide."""
    for table in data.tables:
        for cell in table.cells.values():
            assert (cell.value is None) == (cell.status is not Status.PUBLISHED)
    if data.level == "defence":
        totals, components = data.table("totals"), data.table("components")
        for col in totals.columns:
            assert totals.cell("cases_new", col.key) == components.cell("cases_new", col.key)
    totals, hours = data.table("totals"), data.table("hours")
    for col in totals.columns:
        contacts = totals.cell("contacts", col.key)
        if contacts is None:  # no figures for this column: no hours either
            assert all((row.key, col.key) in hours.gaps for row in hours.rows)
            continue
        hidden = contacts.status is not Status.PUBLISHED
        for row in ("hours:contacts", "hours:total"):
            assert (hours.cell(row, col.key).status is not Status.PUBLISHED) == hidden  # type: ignore[union-attr]


# --- files, CLI -------------------------------------------------------------------------------
def test_defence_year_pdf_for_seven_components(central: Register, tmp_path: Path) -> None:
    """(How fast: `make bench`, "PDF: Defence year report (7 components)".)"""
    _random_central(central, random.Random(7), tmp_path / "in")
    path = publish_report(central, 2026, None, "pdf", tmp_path / "defence.pdf", "nl", 5, now=NOW,
                          today=DAY).path
    pages, lines = _pdf_text(path.read_bytes())
    assert "Nieuwe casussen per defensieonderdeel" in lines and "Defensie" in " ".join(lines)
    assert pages >= 4


def test_write_report_is_atomic_and_private(known_component: Register, tmp_path: Path) -> None:
    for fmt in ("pdf", "csv"):
        path = publish_report(known_component, 2026, "2026-Q2", fmt, tmp_path / f"r.{fmt}", "en",
                              5, today=DAY).path
        assert owner_only.is_owner_only(path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["r.csv", "r.pdf"]


def _cli_register(register: Register, coordinator_dir: Path, tmp_path: Path) -> list[str]:
    """The command line's options for the register this test holds open; the test's Register
    lets go of its one connection first (a register is open once at a time, also within one
    process) and takes it again at its next use."""
    register.engine.dispose()
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    return ["--register", str(coordinator_dir), "--passphrase-file", str(secret)]


def test_cli_report_writes_pdf_and_csv(known_component: Register, coordinator_dir: Path,
                                       tmp_path: Path) -> None:
    base = _cli_register(known_component, coordinator_dir, tmp_path)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([*base, "--lang", "en", "report", "--year", "2026", "--format", "csv",
                     "--out", str(tmp_path / "r.csv")], out, err)
    assert code == cli.EXIT_OK, err.getvalue()
    assert "k = 5" in out.getvalue()
    rows = _csv_rows((tmp_path / "r.csv").read_bytes(), "en")
    assert any(r[2] == "Stalking" and r[6] == HIDDEN_MARK for r in rows if len(r) > 6)
    code = cli.main([*base, "report", "--year", "2026", "--quarter", "2026-Q2", "--format",
                     "pdf", "--k", "3", "--out", str(tmp_path / "r.pdf")], out, err)
    assert code == cli.EXIT_OK, err.getvalue()
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_cli_report_refuses_k_below_3_and_a_quarter_of_another_year(
        known_component: Register, coordinator_dir: Path, tmp_path: Path) -> None:
    base = _cli_register(known_component, coordinator_dir, tmp_path)
    err = io.StringIO()
    code = cli.main([*base, "report", "--year", "2026", "--k", "2", "--out",
                     str(tmp_path / "r.pdf")], io.StringIO(), err)
    assert code == cli.EXIT_USER and "minstens 3" in err.getvalue()
    err = io.StringIO()
    code = cli.main([*base, "report", "--year", "2026", "--quarter", "2025-Q4", "--out",
                     str(tmp_path / "r.pdf")], io.StringIO(), err)
    assert code == cli.EXIT_USER and "2025-Q4" in err.getvalue()
    assert not (tmp_path / "r.pdf").exists()


def test_two_year_reports_in_a_row_keep_what_either_hid(known_component: Register) -> None:
    """The 2026 report shows 2025 beside it; protected against the 2025 report (the ledger),
    it hides again every 2025 figure the 2025 report hid, and the attacker holding both
    reports rules out no value of any hidden small count."""
    data25 = report_data(known_component, 2025, k=5, today=DAY)
    first = data25.publication
    assert first is not None and first.hidden()
    data26 = report_data(known_component, 2026, k=5, today=DAY, prior=(first,))
    second = data26.publication
    assert second is not None and data26.certificate is not None
    again = [key for key in first.hidden()
             if second.table.values.get(key) == first.table.values[key]]
    assert again  # the 2025 column of the 2026 report repeats hidden 2025 figures
    # hidden where it prints them (the new cases per quarter), the quarters it prints
    # nowhere unprinted (in the model: the 2025 column is their sum)
    printed = {cell.key for table in data26.tables for cell in table.cells.values()}
    assert all(second.cells[key].status is (Status.HIDDEN if key in printed else
                                            Status.UNPRINTED) for key in again)
    assert ("cases_new", "2025-Q2") in printed and ("topic:pesten", "2025-Q2") not in printed
    assert {("cases_new", "2025-Q2"), ("topic:pesten", "2025-Q2")} <= set(again)
    assert verify_certificate(second, (first,), data26.certificate) == []
    ruled_out, _ = attack([[first, second]])
    assert ruled_out == []
