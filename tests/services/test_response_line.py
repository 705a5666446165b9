"""Issue 22 item 11: who reported, per quarter — "4 of 6 confidants reported, 1 nil return" —
from the completeness counts, in the coordinator's report files (PDF title page and CSV
comment rows; a year report: each quarter that has ended), in Dutch and English."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pypdf import PdfReader

from app.export.measures import Measures
from app.i18n import translator
from app.services.coordination import merging
from app.services.coordination.importing import apply_import, plan_import
from app.services.coordination.period_plan import publish_report
from app.services.storage.vault import Register

from .coordination_helpers import TODAY, enrol, new_sender, vp_file, write

ON_TIME = dt.datetime(2026, 10, 10, 9, 30)
BUSY = Measures(cases_new=6, cases_closed=2, cases_open_end=4, contacts_first=6,
                contacts_followup=3, minutes_contacts=300, topics={"pesten": 6},
                modes={"telefoon": 9}, outcomes={"handvatten": 2})


def _six_expected(coordinator: Register, tmp_path: Path) -> None:
    """Six confidants expected; for 2026-Q3 three report cases and one a nil return, for
    2026-Q2 one reports."""
    vps = [new_sender(f"CLAS-RESP{i}") for i in range(6)]
    enrol(coordinator, *vps)
    files = [write(tmp_path / "q3", f"{v.code}.json", vp_file(v, BUSY, "2026-Q3"))
             for v in vps[:3]]
    files.append(write(tmp_path / "q3", "nil.json", vp_file(vps[3], Measures(), "2026-Q3")))
    files.append(write(tmp_path / "q2", "one.json", vp_file(vps[0], BUSY, "2026-Q2")))
    apply_import(coordinator, plan_import(coordinator, files, TODAY), now=ON_TIME)


def test_the_response_line_says_who_reported(coordinator: Register, tmp_path: Path) -> None:
    _six_expected(coordinator, tmp_path)
    q2, q3 = merging.response_lines(coordinator, ["2026-Q2", "2026-Q3"])
    assert q3.text(translator("en")) == "2026-Q3: 4 of 6 confidants reported, 1 nil return"
    assert q3.text(translator("nl")) == \
        "2026-Q3: 4 van 6 vertrouwenspersonen hebben gemeld, 1 nulmelding"
    assert q2.text(translator("en")) == "2026-Q2: one of 6 confidants reported, 0 nil returns"
    assert q2.text(translator("nl")) == \
        "2026-Q2: één van 6 vertrouwenspersonen heeft gemeld, 0 nulmeldingen"
    counts = merging.completeness(coordinator, ["2026-Q3"]).counts["2026-Q3"]
    assert (counts.received, counts.expected, counts.nil) == (4, 6, 1)  # the same counts


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_every_report_file_carries_the_response_lines(coordinator: Register,
                                                      tmp_path: Path) -> None:
    _six_expected(coordinator, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    csv_nl = publish_report(coordinator, 2026, "2026-Q3", "csv", out / "q3.csv", "nl", 5,
                          today=TODAY).path
    comments = [line for line in csv_nl.read_bytes().decode("utf-8-sig").splitlines()
                if line.startswith("#")]
    assert "# 2026-Q3: 4 van 6 vertrouwenspersonen hebben gemeld, 1 nulmelding" in comments
    assert not any("2026-Q2:" in line for line in comments)  # a quarter report: its quarter
    pdf_en = publish_report(coordinator, 2026, "2026-Q3", "pdf", out / "q3.pdf", "en", 5,
                          today=TODAY).path
    assert "2026-Q3: 4 of 6 confidants reported, 1 nil return" in _pdf_text(pdf_en)
    # the year report: one line per quarter that has ended (Q4 2026 has not, on TODAY)
    year_csv = publish_report(coordinator, 2026, None, "csv", out / "year.csv", "en", 5,
                            today=TODAY).path
    text = year_csv.read_bytes().decode("utf-8-sig")
    for line in ("2026-Q1: 0 of 6 confidants reported, 0 nil returns",
                 "2026-Q2: one of 6 confidants reported, 0 nil returns",
                 "2026-Q3: 4 of 6 confidants reported, 1 nil return"):
        assert f'"# {line}"\r\n' in text  # quoted: the English separator is the comma
    assert "2026-Q4:" not in text
    year_pdf = publish_report(coordinator, 2026, None, "pdf", out / "year.pdf", "nl", 5,
                            today=TODAY).path
    assert "2026-Q2: één van 6 vertrouwenspersonen heeft gemeld, 0 nulmeldingen" in \
        _pdf_text(year_pdf)
