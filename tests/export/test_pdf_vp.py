"""The VP's PDF overview: right figures in the right language, no memo, markup prints literally."""

from __future__ import annotations

import datetime as dt
import io
import socket
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.export import interchange, pdf_common
from app.export.pdf_vp import render_vp_quarter_pdf
from app.models.entities import Profile
from app.models.periods import Quarter
from app.services.confidant import exporting
from app.services.confidant.cases import CaseService
from app.services.confidant.quarter_overview import collect_vp_quarter_facts, write_vp_quarter_pdf
from app.services.storage import vault
from tests.bulk import fill_quarters

TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
GENERATED = dt.datetime(2026, 11, 23, 10, 0)
Q3 = Quarter(2026, 3)
CANARY = "KANARIE-pdf-8812-Vermeulen"
MARKUP = '<b>&amp;<img src="http://x/y.png">'


def _fill(register: vault.Register) -> None:
    s = CaseService(register, today=lambda: TODAY)
    a = s.open_case(on=dt.date(2026, 7, 3), minutes=60, mode="persoonlijk",
                    topics=["pesten", "intimidatie"], memo=f"gesprek met {CANARY}").id
    s.add_contact(a, on=dt.date(2026, 8, 14), minutes=45, mode="telefoon")
    s.open_case(on=dt.date(2026, 9, 29), minutes=30, mode="video", topics=["arbeidsconflict"],
                memo=CANARY)
    s.add_activity(on=dt.date(2026, 9, 2), minutes=617, kind="voorlichting")
    s.add_activity(on=dt.date(2026, 9, 3), minutes=617, kind="administratie")  # 1234 minutes


def _text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_overview_holds_the_quarter_totals_topics_and_fingerprint(register: vault.Register,
                                                                  tmp_path: Path) -> None:
    _fill(register)
    result = exporting.export_quarter(register, Q3, tmp_path, today=TODAY, now=NOW)
    path = write_vp_quarter_pdf(register, Q3, result, tmp_path / "q3.pdf", lang="nl",
                                now=GENERATED)
    data = path.read_bytes()
    text, pages = _text(data)
    assert 1 <= pages <= 2
    assert "2026-Q3" in text and result.fingerprint in text
    assert "Pesten/treiteren" in text and "Intimidatie" in text and "Arbeidsconflict" in text
    assert "1.234 min" in text  # activities, Dutch grouping
    assert "2 u 15 min (135 min)" in text  # 60 + 45 + 30 minutes of contact
    assert CANARY not in text and CANARY.encode() not in data and "gesprek" not in text
    assert f"Pagina 1 van {pages}" in text or f"Page 1 of {pages}" in text


def test_overview_before_export_says_so_and_later_finds_the_last_export(
        register: vault.Register, tmp_path: Path) -> None:
    _fill(register)
    facts = collect_vp_quarter_facts(register, Q3, None)
    assert facts.export is None and facts.measures.cases_new == 2 and len(facts.series) == 8
    first = exporting.export_quarter(register, Q3, tmp_path, today=TODAY, now=NOW)
    second = exporting.export_quarter(register, Q3, tmp_path, today=TODAY, now=NOW)
    facts = collect_vp_quarter_facts(register, Q3, None)
    assert facts.export is not None and facts.export.revision == 2
    assert facts.export.fingerprint == second.fingerprint != first.fingerprint


def test_dutch_and_english_differ_in_labels_and_number_format(register: vault.Register) -> None:
    _fill(register)
    facts = collect_vp_quarter_facts(register, Q3, None)
    nl, _n = _text(render_vp_quarter_pdf(facts, lang="nl", now=GENERATED))
    en, _n = _text(render_vp_quarter_pdf(facts, lang="en", now=GENERATED))
    assert "1.234 min" in nl and "1,234 min" in en
    assert "Pesten/treiteren" in nl and "Bullying" in en and "Pesten/treiteren" not in en
    assert "1 juli 2026" in nl and "1 July 2026" in en


def test_same_input_same_bytes(register: vault.Register) -> None:
    _fill(register)
    facts = collect_vp_quarter_facts(register, Q3, None)
    assert render_vp_quarter_pdf(facts, lang="nl", now=GENERATED) == render_vp_quarter_pdf(
        facts, lang="nl", now=GENERATED)


def test_nil_return_is_stated(register: vault.Register) -> None:
    text, pages = _text(render_vp_quarter_pdf(collect_vp_quarter_facts(register, Q3, None),
                                              lang="en", now=GENERATED))
    assert "Nil return" in text and pages <= 2


def test_safe_paragraph_prints_markup_literally() -> None:
    paragraph = pdf_common.para(MARKUP)
    words = "".join(frag.text for frag in paragraph.frags)
    assert words == MARKUP
    assert not any(getattr(frag, "cbDefn", None) or getattr(frag, "img", None)
                   for frag in paragraph.frags)
    assert all(not getattr(frag, "bold", 0) for frag in paragraph.frags)
    templated = pdf_common.markup("<b>{value}</b>", value=MARKUP)
    assert "".join(f.text for f in templated.frags) == MARKUP


def test_markup_in_a_register_field_prints_literally_and_fetches_nothing(
        register: vault.Register, monkeypatch: pytest.MonkeyPatch) -> None:
    """The register code is text that reaches a paragraph; a tampered one must stay text."""
    _fill(register)
    with register.session() as s:
        profile = s.query(Profile).one()
        profile.code = MARKUP
    facts = collect_vp_quarter_facts(register, Q3, None)
    pdf_common.register_fonts()
    fetched: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        fetched.append(args)
        raise OSError("no network while rendering")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr("urllib.request.urlopen", refuse)
    text, _pages = _text(render_vp_quarter_pdf(facts, lang="en", now=GENERATED))
    assert fetched == []
    assert MARKUP in text.replace("\n", "")


def test_export_and_pdf_of_a_busy_quarter_keep_the_memos_out(register: vault.Register,
                                                             tmp_path: Path) -> None:
    """Many cases over the chart's eight quarters, every memo the canary. (How fast this is at
    10,000 contact moments is `make bench`: "export + PDF: VP quarter".)"""
    fill_quarters(register, 1_000, first_day=Quarter(2024, 4).start, last_day=Q3.end,
                  memo=CANARY)
    result = exporting.export_quarter(register, Q3, tmp_path, today=TODAY, now=NOW)
    write_vp_quarter_pdf(register, Q3, result, tmp_path / "q3.pdf", now=GENERATED)
    exported = interchange.read_file(result.path.read_bytes(), today=TODAY).measures
    with register.session() as s:
        sql = s.connection().exec_driver_sql
        in_q3 = (Q3.start.isoformat(), Q3.end.isoformat())
        contacts = sql('SELECT count(*) FROM contact_moment WHERE "on" BETWEEN ? AND ?',
                       in_q3).scalar()
        opened = sql("SELECT count(*) FROM case_ WHERE opened_on BETWEEN ? AND ?", in_q3).scalar()
    assert contacts and opened  # the quarter is busy, not a nil return
    assert exported.contacts_first + exported.contacts_followup == contacts
    assert exported.cases_new == opened
    data = (tmp_path / "q3.pdf").read_bytes()
    text, _pages = _text(data)
    assert result.fingerprint in text
    assert CANARY not in text and CANARY.encode() not in data


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    """(title, page number) of every bookmark, in order, nested ones included."""
    found: list[tuple[str, int]] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item) + 1))  # type: ignore[attr-defined]

    walk(reader.outline)
    return found


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_pdf_carries_its_title_language_and_a_bookmark_per_section(
        register: vault.Register, lang: str) -> None:
    """WCAG for documents: a screen reader announces the title and reads in the right
    language; the bookmarks lead to each section, on the page where it starts."""
    _fill(register)
    data = render_vp_quarter_pdf(collect_vp_quarter_facts(register, Q3, None), lang=lang,
                                 now=GENERATED)
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == lang
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata is not None and reader.metadata.title
    outline = _outline(reader)
    assert len(outline) >= 3  # the title and at least two sections
    assert outline[0][0] == reader.metadata.title or outline[0][1] == 1
    pages = [page for _title, page in outline]
    assert pages == sorted(pages) and pages[-1] <= len(reader.pages)
    text_of = [reader.pages[p - 1].extract_text() for p in pages]
    for (title, _page), text in zip(outline, text_of, strict=True):
        assert title.split()[0] in text  # each bookmark's heading is on its page
