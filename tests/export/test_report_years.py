"""Year reports over three years, a year in progress, code-list versions in one column, and the
report's wording (issue 12, items 3-6), on real coordination registers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from app.errors import UnknownCode, ValidationError
from app.export import interchange
from app.export.csv_report import render_report_csv
from app.export.disclosure import Status
from app.export.measures import Measures
from app.export.pdf_report import render_report_pdf
from app.export.report_model import (
    NO_FIGURE,
    ReportData,
    cell_text,
    format_hours,
    half_hour_minutes,
)
from app.i18n import translator
from app.services.coordination.report_data import report_data
from app.services.storage.vault import Register
from tests.export.test_reports import _import, _pdf_text, known_component  # noqa: F401
from tests.export.test_reports import _m as _measures
from tests.services.conftest import (  # noqa: F401 (fixtures)
    central,
    central_template,
    coordinator,
    coordinator_dir,
    coordinator_template,
)
from tests.services.coordination_helpers import (
    CREATED,
    TODAY,
    enrol,
    merged_file,
    new_sender,
    vp_file,
    write,
)

NOW = dt.datetime(2026, 11, 30, 10, 0)
IN_Q4 = dt.date(2026, 11, 30)  # 2026 is in progress: Q4 has not ended
AFTER = dt.date(2027, 1, 15)


def _m(new: int, topics: dict[str, int], **figures: Any) -> Measures:
    """Measures an honest register could send (the bounds of issue 13 hold): a new case is
    still open at the quarter's end unless said otherwise, and a contact lasts 45 minutes
    unless the minutes are given."""
    figures.setdefault("open_end", new)
    figures.setdefault("minutes", 45 * (new + figures.get("follow", 0)))
    return _measures(new, topics, **figures)


def _csv(data: ReportData, lang: str = "en") -> list[dict[str, str]]:
    text = render_report_csv(data, lang=lang, now=NOW).decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text), delimiter="," if lang == "en" else ";")
            if r and not r[0].startswith("#")]
    return [dict(zip(["table", "table_code", "row", "row_code", "column", "column_code",
                      "value", "status", "explanation"], r, strict=True)) for r in rows[1:]]


# --- a year in progress -------------------------------------------------------------------
def test_a_year_in_progress_shows_quarters_not_ended_as_no_figure(
        known_component: Register) -> None:
    data = report_data(known_component, 2026, k=5, today=IN_Q4)
    totals = data.table("totals")
    english = translator("en")
    assert totals.columns[-1].label.text(english) == "Year 2026, Q1–Q3"
    # Q4's file is in the register (11 new cases), but the quarter had not ended: no cell at
    # all, in any table, and the year adds up Q1-Q3 only
    assert not any(str(key[1]).startswith("2026-Q4") for t in data.tables
                   for key in (t.keys[pos] for pos in t.cells))
    for table in data.tables:
        if table.id != "comparison":
            assert all(table.cell(r.key, "2026-Q4") is None for r in table.rows)
            assert all((r.key, "2026-Q4") in table.gaps for r in table.rows)
    assert totals.cell("cases_new", "2026") == totals.cell("cases_new", "2026")
    new = totals.cell("cases_new", "2026")
    assert new is not None and new.status is Status.PUBLISHED and new.value == 9 + 13 + 7
    # the year's stock is the last ended quarter's (15 at the end of Q3, not Q4's 16)
    stock = totals.cell("cases_open_end", "2026")
    assert stock is not None and stock.value == 15 and stock.value == totals.cell(
        "cases_open_end", "2026-Q3").value  # type: ignore[union-attr]
    note = totals.note.text(english) if totals.note else ""
    assert "2026: figures for Q1–Q3 only" in note and "at the end of Q3" in note

    _, lines = _pdf_text(render_report_pdf(data, lang="en", now=NOW))
    at = lines.index("New cases (first contact in the period)")
    assert lines[at + 1:at + 7] == ["11", "9", "13", "7", NO_FIGURE, "29"]
    text = " ".join(lines)
    assert "no figure: the quarter had not ended on 30 November 2026" in text
    rows = _csv(data)
    q4 = [r for r in rows if r["column_code"] == "2026-Q4"]
    assert q4 and {r["value"] for r in q4} == {NO_FIGURE}
    assert {r["status"] for r in q4} == {"no_figure"}
    assert all("had not ended on 30 November 2026" in r["explanation"] for r in q4)
    dutch = _csv(data, "nl")
    assert any("was op 30 november 2026 nog niet voorbij" in r["explanation"] for r in dutch)


def test_a_quarter_or_year_that_has_not_ended_is_refused(known_component: Register,
                                                         ) -> None:
    with pytest.raises(ValidationError) as refused:
        report_data(known_component, 2026, "2026-Q4", k=5, today=IN_Q4)
    assert "2026-Q4" in refused.value.message and "1 januari 2027" in refused.value.message
    with pytest.raises(ValidationError) as refused:
        report_data(known_component, 2027, k=5, today=IN_Q4)
    assert "2027" in refused.value.message
    with pytest.raises(ValidationError, match="geen kwartaalbestanden"):
        report_data(known_component, 2025, "2025-Q1", k=5, today=IN_Q4)  # no file came in


# --- three years side by side ---------------------------------------------------------------
def _central_three_years(central: Register, tmp_path: Path,
                         years: tuple[int, ...]) -> None:
    coordinators = {c: new_sender(f"{c}-CVP01", c, "coordinator") for c in ("CLAS", "CZSK")}
    enrol(central, *coordinators.values(), active_from=dt.date(2023, 1, 1))
    vps = {c: new_sender(f"{c}-VP001", c) for c in coordinators}
    paths = []
    for year in years:
        for q in (1, 2, 3, 4):
            for i, c in enumerate(coordinators):
                n = 10 * (year - 2022) + q + i  # known and large: all published
                m = _m(n, {"pesten": n, "priveomstandigheden": 6}, follow=n, minutes=45 * n + 30)
                inner = vp_file(vps[c], m, quarter=f"{year}-Q{q}")
                paths.append(write(tmp_path / "in", f"{c}-{year}-{q}.json",
                                   merged_file(coordinators[c], [inner])))
    _import(central, paths)


def test_a_year_report_shows_the_two_previous_years_the_register_holds(
        central: Register, tmp_path: Path) -> None:
    _central_three_years(central, tmp_path, (2023, 2024, 2026))  # 2025: no files at all
    data = report_data(central, 2026, k=5, today=AFTER)
    assert data.previous_years == (2024,)  # 2025 left out (not shown as 0), 2023 too far back
    for table in data.tables:
        if table.id != "comparison":
            assert [c.key for c in table.columns] == ["2024", "2026-Q1", "2026-Q2", "2026-Q3",
                                                      "2026-Q4", "2026"], table.id
    components = data.table("components")
    clas = components.cell("cases_new@CLAS", "2024")
    assert clas is not None and clas.value == sum(20 + q for q in (1, 2, 3, 4))
    comparison = data.table("comparison")
    assert [r.key for r in comparison.rows] == ["2024", "2026"]
    assert comparison.title.text(translator("en")) == "New cases per quarter, 2024–2026"
    years = next(c for c in data.charts if c.id == "years")
    assert [bar.period for bar in years.bars] == ["2024", "2026"]
    assert all(bar.cell == data.table("totals").cell("cases_new", bar.period)
               for bar in years.bars)  # the chart's bars are the table's cells (one status)

    data = report_data(central, 2024, k=5, today=AFTER)
    assert data.previous_years == (2023,)
    alone = report_data(central, 2023, k=5, today=AFTER)
    assert alone.previous_years == ()
    english = translator("en")
    titles = [t.title.text(english) for t in alone.tables] + [
        c.title.text(english) for c in alone.charts]
    assert not any("previous year" in title for title in titles)
    assert "New cases per quarter, 2023" in titles


def test_hours_are_given_to_the_half_hour(central: Register, tmp_path: Path,
                                          ) -> None:
    assert [half_hour_minutes(m) for m in (0, 14, 15, 44, 45, 50370)] == [0, 0, 30, 30, 60,
                                                                         50370]
    assert format_hours(50370, translator("nl")) == "839,5"
    assert format_hours(50370, translator("en")) == "839.5"
    _central_three_years(central, tmp_path, (2026,))
    data = report_data(central, 2026, k=5, today=AFTER)
    hours = data.table("hours")
    cell = hours.cell("hours:contacts", "2026-Q1")
    # Q1: CLAS 41 and CZSK 42 new cases, 45n + 30 minutes each: 3795 minutes, 63.25 hours,
    # to the half hour 63.5 (3810 minutes)
    assert cell is not None and cell.status is Status.PUBLISHED and cell.value == 3810
    assert cell_text(hours, cell, translator("en")) == "63.5"
    _, lines = _pdf_text(render_report_pdf(data, lang="nl", now=NOW))
    at = lines.index("Contactmomenten", lines.index("Uren"))
    assert lines[at + 1] == "63,5"
    assert "afgerond op het halve uur" in " ".join(lines)


# --- code-list versions in one column -------------------------------------------------------
def _old_list_file(sender: object, topics: dict[str, int], new: int, quarter: str) -> bytes:
    payload = interchange.build_payload(
        measures=Measures(cases_new=new, cases_open_end=new, contacts_first=new,
                          minutes_contacts=45 * new, topics=topics, modes={"telefoon": new}),
        submission_id="5f0e6a8e-0000-4000-8000-000000000001", revision=1, supersedes=None,
        created_at=CREATED, app_version="0.1.0", level="vp",
        sender=interchange.Sender(sender.code, sender.component, sender.fingerprint),  # type: ignore[attr-defined]
        quarter=quarter, codelist_version="2018.1")
    return interchange.write_file(payload, sender.key.private_key, today=TODAY)  # type: ignore[attr-defined]


def test_a_quarter_with_two_list_versions_is_shown_where_both_are_exact(
        coordinator: Register, tmp_path: Path) -> None:
    old, new = new_sender("CLAS-OLD01"), new_sender("CLAS-NEW01")
    enrol(coordinator, old, new)
    _import(coordinator, [
        write(tmp_path, "old.json", _old_list_file(
            old, {"overige": 7, "pesten": 9, "agressie": 4}, 20, "2026-Q1")),
        write(tmp_path, "new.json", vp_file(new, _m(30, {
            "pesten": 8, "arbeidsconflict": 6, "thuisfront": 5, "overschrijding_regels": 5,
            "lekken_informatie": 6}), quarter="2026-Q1")),
        write(tmp_path, "new2.json", vp_file(new, _m(12, {"thuisfront": 12}),
                                             quarter="2026-Q2")),
    ])
    data = report_data(coordinator, 2026, k=3, today=AFTER)
    topics = data.table("topics")
    together = "topics:arbeidsconflict+priveomstandigheden+werkdruk_inzet+thuisfront+overig"
    assert [r.key for r in topics.rows][-2:] == [together, "topics"]

    def value(row: str, col: str) -> int | None:
        cell = topics.cell(row, col)
        assert cell is not None, (row, col)
        return cell.value

    # Q1 mixes 2018.1 and 2026.1: pesten is exact in both, the combined row is the finest
    # exact row for 2018.1's Overige; business integrity, which 2018.1 did not have, is exact
    # too (the older file counts none of it) and existed in Q1 (the current file has it)
    assert value("topic:pesten", "2026-Q1") == 17
    assert value("topic:agressie_geweld", "2026-Q1") == 4
    assert value("group:zakelijke_integriteit", "2026-Q1") == 5 + 6
    assert value("topic:overschrijding_regels", "2026-Q1") == 5
    assert value(together, "2026-Q1") == 7 + 6 + 5
    assert not topics.absent
    for row in ("topic:arbeidsconflict", "group:overig", "topic:thuisfront"):
        assert topics.cell(row, "2026-Q1") is None and (row, "2026-Q1") in topics.gaps
        assert "2018.1" in topics.gaps[(row, "2026-Q1")].text(translator("en"))
    # Q2 is on the current list only: every row; the year is as coarse as its coarsest quarter
    assert value("topic:thuisfront", "2026-Q2") == 12 and value("group:overig", "2026-Q2") == 12
    assert topics.cell("topic:thuisfront", "2026") is None
    assert value(together, "2026") == 18 + 12 and value("topics", "2026") == 20 + 30 + 12
    english = translator("en")
    note = topics.note.text(english) if topics.note else ""
    assert "Figures for 2026-Q1 were recorded on topic list 2018.1" in note
    assert "several current ones: Together: Labour conflict + Personal circumstances + Other " \
           "(group)" in note
    assert "sources used different versions of the topic list (2018.1, 2026.1)" in " ".join(
        n.text(english) for n in data.notes)


BUSINESS = ("group:zakelijke_integriteit", "topic:overschrijding_regels", "topic:misbruik_positie",
            "topic:financiele_schendingen", "topic:lekken_informatie",
            "topic:oneigenlijk_gebruik_middelen", "topic:misbruik_geweldsbevoegdheid",
            "topic:overig_zakelijk")


def test_a_category_that_did_not_exist_is_a_dash_in_no_sum(coordinator: Register,
                                                           tmp_path: Path) -> None:
    """Q1 recorded on 2018.1 only (no Zakelijke integriteit then), Q2 on the current list: Q1's
    business rows are "–" in every rendering, no cell, in no equation; the totals add up the
    categories that existed, and the year adds up the quarter where the category existed."""
    old, new = new_sender("CLAS-OLD01"), new_sender("CLAS-NEW01")
    enrol(coordinator, old, new)
    _import(coordinator, [
        write(tmp_path, "old.json", _old_list_file(
            old, {"overige": 7, "pesten": 9, "intimidatie": 6}, 22, "2026-Q1")),
        write(tmp_path, "new.json", vp_file(new, _m(30, {
            "pesten": 8, "arbeidsconflict": 6, "thuisfront": 5, "overschrijding_regels": 5,
            "lekken_informatie": 6}), quarter="2026-Q2")),
    ])
    data = report_data(coordinator, 2026, k=3, today=AFTER)
    topics = data.table("topics")
    for row in BUSINESS:
        assert topics.cell(row, "2026-Q1") is None and (row, "2026-Q1") in topics.absent
        assert topics.gap_mark(row, "2026-Q1") == "–" != NO_FIGURE
        assert topics.cell(row, "2026-Q2") is not None  # it exists from Q2 on
    assert topics.gap_mark("topic:pesten", "2026-Q3") == NO_FIGURE  # no files: an ordinary gap
    assert ("topic:pesten", "2026-Q3") not in topics.absent
    publication = data.publication
    assert publication is not None
    values = publication.table.values
    assert not any((row, "2026-Q1") in values for row in BUSINESS)  # the model has no quantity
    assert not any(k in BUSINESS and p == "2026-Q1" for eq in publication.table.equations
                   for k, p in [eq.total, *eq.parts])
    assert values[("topics", "2026-Q1")] == 7 + 9 + 6  # over the categories that existed
    assert values[("group:zakelijke_integriteit", "2026")] == 11  # Q2 only
    year = next(eq for eq in publication.table.equations
                if eq.total == ("group:zakelijke_integriteit", "2026")
                and all("-Q" in str(part[1]) for part in eq.parts))
    assert year.parts == (("group:zakelijke_integriteit", "2026-Q2"),)
    english = translator("en")
    assert "did not exist" in (topics.note.text(english) if topics.note else "")
    # the CSV: an explicit marker, a status, and a comment row that explains them
    rows = _csv(data)
    dash = [r for r in rows if r["column_code"] == "2026-Q1" and r["row_code"] in BUSINESS]
    assert len(dash) == len(BUSINESS)
    assert {(r["value"], r["status"]) for r in dash} == {("–", "did_not_exist")}
    assert "not on topic list 2018.1" in dash[0]["explanation"]
    text = render_report_csv(data, lang="en", now=NOW).decode("utf-8-sig")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert any(line.startswith("# – (status did_not_exist): the category did not exist")
               for line in comments), comments
    dutch = render_report_csv(data, lang="nl", now=NOW).decode("utf-8-sig")
    assert "bestond niet" in dutch
    # the PDF prints "–" in the row and explains it on the title page
    _pages, lines = _pdf_text(render_report_pdf(data, lang="en", now=NOW))
    words = " ".join(lines)
    assert "did not exist: the category was not on topic list 2018.1" in words
    at = lines.index("Business integrity")
    assert lines[at + 1] == "–"


def test_a_file_of_the_former_2018_list_still_imports(coordinator: Register,
                                                      tmp_path: Path) -> None:
    """2018.1 first listed Zakelijke integriteit (wrongly): its files carry it with 0. They
    still import; a count for it is refused, as for any code not on the list."""
    old = new_sender("CLAS-OLD01")
    enrol(coordinator, old)
    payload = interchange.build_payload(
        measures=_m(3, {"pesten": 3}), submission_id="5f0e6a8e-0000-4000-8000-000000000002",
        revision=1, supersedes=None, created_at=CREATED, app_version="0.1.0", level="vp",
        sender=interchange.Sender(old.code, old.component, old.fingerprint),
        quarter="2026-Q1", codelist_version="2018.1")
    payload["measures"]["topics"]["zakelijke_integriteit"] = 0  # as the former list wrote it
    _import(coordinator, [write(tmp_path, "former.json", interchange.write_file(
        payload, old.key.private_key, today=TODAY))])
    topics = report_data(coordinator, 2026, k=3, today=AFTER).table("topics")
    assert ("group:zakelijke_integriteit", "2026-Q1") in topics.absent
    payload["measures"]["topics"]["zakelijke_integriteit"] = 1
    with pytest.raises(UnknownCode):
        interchange.write_file(payload, old.key.private_key, today=TODAY)


# --- the report's wording -------------------------------------------------------------------
def test_group_and_topic_other_are_told_apart_and_every_label_has_its_code(
        known_component: Register) -> None:
    data = report_data(known_component, 2026, k=5, today=AFTER)
    rows = _csv(data)
    labels = {(r["row_code"], r["row"]) for r in rows if r["table_code"] == "topics"}
    assert ("group:overig", "Other (group)") in labels
    assert ("topic:overig", "Other, not elsewhere classified") in labels
    dutch = {(r["row_code"], r["row"]) for r in _csv(data, "nl") if r["table_code"] == "topics"}
    assert ("group:overig", "Overig (groep)") in dutch
    assert ("topic:overig", "Overig, niet elders genoemd") in dutch
    # every (table, row, column) label has its stable code beside it, one meaning each
    for r in rows:
        assert r["table_code"] and r["row_code"] and r["column_code"], r
    assert {r["column_code"] for r in rows if r["table_code"] == "totals"} == {
        "2025", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026"}
    codes = [(r["table_code"], r["row_code"], r["column_code"]) for r in rows]
    assert len(codes) == len(set(codes))
    assert {r["column_code"] for r in rows if r["table_code"] == "comparison"} >= {
        "2025-Q2", "2025-Q4", "2025", "2026-Q1", "2026"}
    assert any(r["row_code"] == "modes:persoonlijk" for r in rows)


def test_report_text_says_casussen_and_only_what_holds(known_component: Register,
                                                       ) -> None:
    data = report_data(known_component, 2026, k=5, today=AFTER)
    _, nl = _pdf_text(render_report_pdf(data, lang="nl", now=NOW))
    _, en = _pdf_text(render_report_pdf(data, lang="en", now=NOW))
    dutch, english = " ".join(nl), " ".join(en)
    assert "Casussen en contacten" in nl and " zaken" not in dutch.lower()
    assert "Totals are exact" not in english and "Totalen zijn exact" not in dutch
    assert "Generated on 30 November 2026, 10:00" in english
    assert "Gemaakt op 30 november 2026, 10:00" in dutch
    assert "Nov 30" not in english and "11/30" not in english
    assert "compared with the previous year" not in english

