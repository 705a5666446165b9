"""Issue 24: `vertrouwd annual` writes the confidants' section of the annual report (PDF, CSV,
DOCX) at the central level and at a coordinator, from registers built through the command line
(the three-year pipeline of tests/test_three_year_pipeline.py: VP → CVP → central, 2018–2020).

Every protected figure of the section is the year report's cell (value and status), the top 3
never ranks a hidden count, the network and completeness come from the roster and the files,
and a second run refuses without touching what is there.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from app import cli
from app.export.annual_model import TopicEntry, rank_topics
from app.export.disclosure import ProtectedCell, Status
from app.export.report_model import Label
from tests.conftest import snapshot
from tests.test_three_year_pipeline import Cli, _cases, _run_pipeline

NAME_NL = "jaarverslag-vertrouwenspersonen-2020-{who}"
NAME_EN = "confidants-annual-report-2020-{who}"


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("annual")
    folder = _run_pipeline(tmp)  # also writes the central year report 2020 (CSV, PDF)
    run = Cli(tmp)
    run("central", "annual", "--year", "2020", "--out", str(tmp / "out-central"))
    run("central", "annual", "--year", "2020", "--out", str(tmp / "out-central-en"), "--lang",
        "en")
    run("coord-CZSK", "annual", "--year", "2020", "--out", str(tmp / "out-czsk"))
    run("coord-CZSK", "report", "--year", "2020", "--format", "csv", "--out",
        str(folder / "czsk-2020.csv"))
    return tmp


def _rows(data: bytes, delimiter: str = ";") -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))
    header = next(r for r in rows if not r[0].startswith("#"))
    return [dict(zip(header, r, strict=True)) for r in rows[rows.index(header) + 1:]]


def _cells(data: bytes) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(row code, column code) -> (value, status, explanation) of a year report's CSV."""
    return {(r["rijcode"], r["kolomcode"]): (r["waarde"], r["status"], r["toelichting"])
            for r in _rows(data)}


def _pdf_text(path: Path) -> tuple[str, int]:
    reader = PdfReader(path)
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages), len(reader.pages)


def _docx_text(path: Path) -> tuple[str, list[list[list[str]]]]:
    document = docx.Document(str(path))
    text = " ".join(p.text for p in document.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return text, tables


def _central(pipeline: Path, ext: str) -> Path:
    return pipeline / "out-central" / f"{NAME_NL.format(who='DEFENSIE')}.{ext}"


def _number(text: str) -> int:
    return int(text.replace(".", "").replace(",", ""))


# --- what is written ---------------------------------------------------------------------------
@pytest.mark.slow
def test_central_level_writes_the_defence_section_as_pdf_csv_and_docx(pipeline: Path) -> None:
    out = pipeline / "out-central"
    name = NAME_NL.format(who="DEFENSIE")
    assert sorted(p.name for p in out.iterdir()) == [f"{name}.{e}" for e in ("csv", "docx", "pdf")]
    if sys.platform != "win32":
        assert all(p.stat().st_mode & 0o077 == 0 for p in out.iterdir())  # owner-only
    cases = {y: len(_cases(y)) for y in (2018, 2019, 2020)}
    text, pages = _pdf_text(out / f"{name}.pdf")
    assert 2 <= pages <= 5
    assert "Vertrouwenspersonen — jaarverslag 2020, Defensie" in text
    assert (f"In 2020 registreerden de vertrouwenspersonen van Defensie {cases[2020]} nieuwe "
            "casussen.") in text
    diff = cases[2020] - cases[2019]
    assert f"Dat zijn er {diff} meer dan in 2019 ({cases[2019]})" in text
    assert f"In 2018 waren het er {cases[2018]}." in text
    assert "Nieuwe casussen per jaar, 2018–2020" in text  # the chart's title
    for heading in ("Top 3 van de onderwerpen per onderwerpgroep, 2020", "Ongewenst gedrag",
                    "Zakelijke integriteit", "Onderwerpen van nieuwe casussen, 2018–2020",
                    "Per defensieonderdeel, 2020", "Volledigheid:"):
        assert heading in text, heading
    assert "Commando Zeestrijdkrachten" in text and "Commando Landstrijdkrachten" in text
    # the three-year topic table counts its own hidden figures, not the year report's table
    topics = [r for r in _rows((out / f"{name}.csv").read_bytes()) if r["tabelcode"] == "topics"]
    shown = [r for r in topics if r["status"] not in ("no_figure", "did_not_exist")]
    hidden = sum(1 for r in shown if r["status"] == "hidden")
    assert hidden and f"Verborgen in deze tabel: {hidden} van {len(shown)} cijfers." in text
    # Zakelijke integriteit did not exist on the list of 2018 and 2019: "–", explained
    business = {(r["kolomcode"], r["waarde"], r["status"]) for r in topics
                if r["rijcode"] == "group:zakelijke_integriteit"}
    assert {b for b in business if b[0] != "2020"} == {("2018", "–", "did_not_exist"),
                                                      ("2019", "–", "did_not_exist")}
    assert "# – (status did_not_exist): de categorie bestond niet" in (
        out / f"{name}.csv").read_bytes().decode("utf-8-sig")
    assert "“–”: de categorie bestond niet in de onderwerpenlijst van die periode" in text

    words, tables = _docx_text(out / f"{name}.docx")
    assert "Vertrouwenspersonen — jaarverslag 2020, Defensie" in words
    assert f"van Defensie {cases[2020]} nieuwe casussen" in words
    assert "Volledigheid:" in words
    cases_table = next(t for t in tables if t[0][1:] == ["2018", "2019", "Jaar 2020"])
    assert [_number(v) for v in cases_table[1][1:]] == [cases[2018], cases[2019], cases[2020]]
    topic_table = next(t for t in tables if t[0][1:] == ["2018", "2019", "Jaar 2020"]
                       and any(r[0] == "Zakelijke integriteit" for r in t))
    business = next(r for r in topic_table if r[0] == "Zakelijke integriteit")
    assert business[1:3] == ["–", "–"] and business[3] not in ("–", "—")
    with (out / f"{name}.docx").open("rb") as fh:  # the chart is in it, as a picture
        assert b"word/media/image1.png" in fh.read()


def test_the_section_is_published_in_the_ledger_like_every_report(pipeline: Path) -> None:
    """Recorded after the year report it is taken from, with the same hidden count; `report
    --reissue` writes the PDF again byte for byte."""
    listing = Cli(pipeline)("central", "publications")
    lines = [line for line in listing.splitlines() if line.strip()]
    year_report = next(line for line in lines if "defensie-2020.pdf" in line)
    section = next(line for line in lines if NAME_NL.format(who="DEFENSIE") + ".pdf" in line)
    assert int(year_report.split()[0]) < int(section.split()[0])
    assert year_report.split("k = 5")[1].split()[:4] == section.split("k = 5")[1].split()[:4]
    number = section.split()[0]
    again = pipeline / "again.pdf"
    Cli(pipeline)("central", "report", "--reissue", number, "--out", str(again))
    assert again.read_bytes() == (pipeline / "out-central" /
                                  (NAME_NL.format(who="DEFENSIE") + ".pdf")).read_bytes()


def test_english_on_request(pipeline: Path) -> None:
    name = NAME_EN.format(who="DEFENSIE")
    text, _pages = _pdf_text(pipeline / "out-central-en" / f"{name}.pdf")
    assert "Confidants — annual report 2020, Defence" in text
    assert f"In 2020 the confidants of Defence registered {len(_cases(2020))} new cases." in text
    rows = _rows((pipeline / "out-central-en" / f"{name}.csv").read_bytes(), ",")
    assert rows[0]["table"] and "not_protected" in {r["status"] for r in rows}


def test_a_coordinator_writes_the_component_appendix(pipeline: Path) -> None:
    out = pipeline / "out-czsk"
    name = NAME_NL.format(who="CZSK")
    text, pages = _pdf_text(out / f"{name}.pdf")
    assert 2 <= pages <= 5
    assert "Vertrouwenspersonen — jaarverslag 2020, bijlage Commando Zeestrijdkrachten" in text
    assert "Het netwerk van Commando Zeestrijdkrachten, 2020" in text
    assert "Per defensieonderdeel" not in text
    words, tables = _docx_text(out / f"{name}.docx")
    assert "bijlage Commando Zeestrijdkrachten" in words
    network = next(t for t in tables if "Ingeschreven" in t[0])
    # one VP of CZSK reported on the current list in 2020 (the other sent 2018-2019 only):
    # enrolled 1, active 1, four quarterly reports owed and arrived
    assert network[1][1:] == ["1", "1", "4", "4"]


# --- the figures are the year report's, cell for cell ------------------------------------------
@pytest.mark.parametrize(("section", "year_report"), [
    ("out-central/" + NAME_NL.format(who="DEFENSIE") + ".csv", "files/defensie-2020.csv"),
    ("out-czsk/" + NAME_NL.format(who="CZSK") + ".csv", "files/czsk-2020.csv"),
])
def test_every_protected_figure_equals_the_year_report_cell(
        pipeline: Path, section: str, year_report: str) -> None:
    report = _cells((pipeline / year_report).read_bytes())
    rows = _rows((pipeline / section).read_bytes())
    protected = [r for r in rows if r["status"] != "not_protected"]
    assert len(protected) >= 60
    statuses = set()
    for r in protected:
        key = (r["rijcode"], r["kolomcode"])
        assert key in report, key
        assert (r["waarde"], r["status"], r["toelichting"]) == report[key], key
        statuses.add(r["status"])
    assert {"published", "hidden"} <= statuses  # real figures and real marks both compared
    # the three-year topic table is the year report's topics rows in the year columns
    topic_rows = {r["rijcode"] for r in rows if r["tabelcode"] == "topics"}
    assert {r for r, c in report if r.startswith(("topic:", "group:")) and c == "2020"} <= \
        topic_rows


def test_network_and_completeness_are_counted_and_marked_not_protected(pipeline: Path) -> None:
    rows = _rows(_central(pipeline, "csv").read_bytes())
    network = {r["rijcode"]: r for r in rows if r["tabelcode"] == "network"}
    for component in ("CLAS", "CZSK"):
        assert network[f"enrolled@{component}"]["waarde"] == "1"
        assert network[f"active@{component}"]["waarde"] == "1"
        assert network[f"reports_expected@{component}"]["waarde"] == "4"
        assert network[f"reports_arrived@{component}"]["status"] == "not_protected"
    assert network["enrolled@DEFENSIE"]["waarde"] == "2"
    assert network["cases_new@CZSK"]["status"] in ("published", "hidden")
    text, _ = _pdf_text(_central(pipeline, "pdf"))
    assert "Het centrale niveau ontving 8 van de 8 kwartaalbestanden" in text
    assert "niet de mensen die zij hielpen" in text  # the note says why it is not protected


# --- the ranking -------------------------------------------------------------------------------
def test_the_top_three_ranks_published_counts_only(pipeline: Path) -> None:
    rows = _rows(_central(pipeline, "csv").read_bytes())
    ranked = [r for r in rows if r["tabelcode"].startswith("top:") and r["rijcode"]]
    assert ranked, "at least one topic is ranked"
    by_group: dict[str, list[dict[str, str]]] = {}
    for r in ranked:
        assert r["status"] == "published", r  # a rank is never given to a hidden count
        by_group.setdefault(r["tabelcode"], []).append(r)
    for group in by_group.values():
        values = [_number(r["waarde"]) for r in group]
        assert values == sorted(values, reverse=True)
        places = [r["rij"].split(".", 1)[0] for r in group]
        assert places[0] in ("1", "1=")


def _cell(status: Status, value: int | None) -> ProtectedCell:
    return ProtectedCell("x", status, value if status is Status.PUBLISHED else None, 5)


entries_strategy = st.lists(
    st.tuples(st.sampled_from(list(Status)), st.integers(0, 40), st.integers(0, 40)),
    min_size=1, max_size=9)


@settings(max_examples=200, deadline=None)
@given(entries_strategy)
def test_a_rank_never_orders_a_hidden_value(specs: list[tuple[Status, int, int]]) -> None:
    """Hidden cells carry their true values here (as a careless protection might): the
    ranking must not change when they change, so no place depends on a hidden count."""
    def entries(which: int) -> list[TopicEntry]:
        return [TopicEntry(f"topic:{i}", Label(str(i)),
                           ProtectedCell("x", status, spec[which], 5))
                for i, (status, *spec) in enumerate(specs)]

    one, other = rank_topics("g", Label("g"), entries(0)), rank_topics("g", Label("g"),
                                                                         entries(1))
    published = [s for s in specs if s[0] is Status.PUBLISHED]
    if all(a == b for s, a, b in specs if s is Status.PUBLISHED):
        assert [(r.place, r.tied, r.entry.row) for r in one.ranked] == \
            [(r.place, r.tied, r.entry.row) for r in other.ranked]
    assert all(r.entry.cell is not None and r.entry.cell.status is Status.PUBLISHED
               for r in one.ranked)
    hidden = [e.row for e in entries(0) if e.cell is not None
              and e.cell.status is not Status.PUBLISHED]
    assert [e.row for e in one.unranked] == hidden  # listed apart, in topic-list order
    positive = sorted({spec[1] for spec in published if spec[1] > 0}, reverse=True)
    if positive:
        assert one.ranked and one.ranked[0].place == 1
        assert one.ranked[0].entry.cell.value == positive[0]  # type: ignore[union-attr]
    assert all(r.place <= 3 for r in one.ranked)


def test_ties_share_a_place_in_topic_list_order() -> None:
    cells = [(Status.PUBLISHED, 12), (Status.HIDDEN, None), (Status.PUBLISHED, 20),
             (Status.PUBLISHED, 12), (Status.HIDDEN, None), (Status.PUBLISHED, 7)]
    entries = [TopicEntry(f"topic:{i}", Label(str(i)), _cell(s, v))
               for i, (s, v) in enumerate(cells)]
    ranking = rank_topics("g", Label("g"), entries)
    assert [(r.place, r.tied, r.entry.row) for r in ranking.ranked] == [
        (1, False, "topic:2"), (2, True, "topic:0"), (2, True, "topic:3")]
    assert [e.row for e in ranking.unranked] == ["topic:1", "topic:4"]


# --- refusals change nothing -------------------------------------------------------------------
def test_a_second_run_refuses_and_leaves_the_files_as_they_were(pipeline: Path) -> None:
    before = snapshot(pipeline / "out-central")
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--register", str(pipeline / "central"), "--passphrase-file",
                     str(pipeline / "pass.txt"), "annual", "--year", "2020", "--out",
                     str(pipeline / "out-central")], out=out, err=err)
    assert code == cli.EXIT_USER
    assert "bestaat al" in err.getvalue() and err.getvalue().strip().count("\n") == 0
    assert snapshot(pipeline / "out-central") == before


def test_a_year_without_files_is_refused_with_a_sentence(pipeline: Path) -> None:
    target = pipeline / "empty-year"
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--register", str(pipeline / "central"), "--passphrase-file",
                     str(pipeline / "pass.txt"), "annual", "--year", "2016", "--out",
                     str(target)], out=out, err=err)
    assert code == cli.EXIT_USER
    assert "geen kwartaalbestanden" in err.getvalue()
    assert not os.path.exists(target)


def test_one_file_in_the_way_stops_all_three(pipeline: Path) -> None:
    """All three or none: a DOCX of the same name already there (an editor's copy) stays as it
    is, and no PDF or CSV appears beside it."""
    folder = pipeline / "half"
    folder.mkdir()
    (folder / (NAME_NL.format(who="CZSK") + ".docx")).write_bytes(b"de versie van de redactie")
    before = snapshot(folder)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--register", str(pipeline / "coord-CZSK"), "--passphrase-file",
                     str(pipeline / "pass.txt"), "annual", "--year", "2020", "--out",
                     str(folder)], out=out, err=err)
    assert code == cli.EXIT_USER
    assert "bestaat al" in err.getvalue()
    assert snapshot(folder) == before


@pytest.mark.parametrize(("register", "target", "sentence"), [
    ("coord-CZSK", "a-file", "is een bestand, geen map"),
    ("vp-new-CZSK", "folder", "coördin"),  # a confidant's register has no annual section
    ("central", "folder-2027", "2027"),  # no quarter of the year has ended
])
def test_refusals_say_one_sentence_and_write_nothing(
        pipeline: Path, register: str, target: str, sentence: str) -> None:
    (pipeline / "a-file").write_bytes(b"niet aanraken")
    year = "2027" if target.endswith("2027") else "2020"
    before = (pipeline / "a-file").read_bytes()
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--register", str(pipeline / register), "--passphrase-file",
                     str(pipeline / "pass.txt"), "annual", "--year", year, "--out",
                     str(pipeline / target)], out=out, err=err)
    assert code == cli.EXIT_USER, out.getvalue()
    assert sentence in err.getvalue() and "Traceback" not in err.getvalue()
    assert (pipeline / "a-file").read_bytes() == before
    assert not (pipeline / "folder").exists() and not (pipeline / "folder-2027").exists()
