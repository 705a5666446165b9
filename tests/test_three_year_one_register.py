"""Done-when of issue 23: the 2018–2020 path through the command line with ONE register per
confidant across the topic-list change.

Two components (CLAS, CZSK), one confidant each. Each confidant's register is made on list
2018.1 and moves to the current list from 2020-Q1 (`codelist-move`), keeping its code and card;
it enters the cases of 2018–2020 (`import-csv`: 2018.1 topics for 2018 and 2019, current
topics for 2020) and exports every quarter. The coordinators enrol their confidant from
2018-01-01 and the centre its coordinators from 2018-01-01, all today: history entered late.
The centre then holds the Defence-wide topic totals 543 / 576 / 680 (DOMAIN.md), and its
2020 report shows them where the disclosure control publishes them. The Intimidatie row
(90 / 109 / 71) and the Overige row (155 / 159 / 399) are the published figures the issue
names, Agressie 14 and Discriminatie 11 are what Defence published for 2020 (issue 19), and
Zakelijke integriteit is "–" for 2018 and 2019 as in the published table: list 2018.1 did not
have it (it came in 2020), so those cells are no count, in no total. The other rows are filled
in here so the totals hold. Stalking is 6 in 2020: with a small year
count there (2, say) alone among the hidden year cells of the published group "Unwanted
behaviour", one more topic of that group's 2020 column must be hidden to keep it 0..4, and the
cheapest is Discriminatie 11. The report hides 48 of its 369 cells, 44 of them small counts;
the scipy MILP oracle finds none of the other 4 (Thuisfront's quarters, 6 each) that could be
shown without narrowing a hidden count.
Completeness is complete for every quarter at both levels, nothing late, and each confidant
has one code.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from app.export.disclosure import Certificate, ProtectedCell, Publication, Status
from app.services.coordination import merging, publications
from app.services.storage import vault
from tests.conftest import PASSPHRASE
from tests.services.disclosure_oracle import attack
from tests.test_three_year_pipeline import BUSINESS, TOGETHER, Cli, _topic_cells

COMPONENTS = ("CLAS", "CZSK")
TOPICS = {  # new cases per topic, Defence-wide (each case one topic)
    2018: {"intimidatie": 90, "seksuele_intimidatie": 60, "agressie": 25, "stalking": 6,
           "discriminatie": 35, "pesten": 150, "kwaadspreken": 22, "overige": 155},
    2019: {"intimidatie": 109, "seksuele_intimidatie": 70, "agressie": 20, "stalking": 5,
           "discriminatie": 38, "pesten": 155, "kwaadspreken": 20, "overige": 159},
    2020: {"intimidatie": 71, "seksuele_intimidatie": 30, "agressie_geweld": 14, "stalking": 6,
           "discriminatie": 11, "pesten": 104, "kwaadspreken": 15,
           "overschrijding_regels": 10, "misbruik_positie": 6, "financiele_schendingen": 4,
           "lekken_informatie": 4, "oneigenlijk_gebruik_middelen": 3,
           "misbruik_geweldsbevoegdheid": 1, "overig_zakelijk": 2,
           "arbeidsconflict": 200, "priveomstandigheden": 120, "werkdruk_inzet": 45,
           "thuisfront": 24, "overig": 10},
}
QUARTERS = [f"{y}-Q{q}" for y in (2018, 2019, 2020) for q in (1, 2, 3, 4)]


def _csv(folder: Path, component: str) -> Path:
    """The component's half of every year's cases (alternating), spread over the quarters."""
    lines = ["type;casus;datum;minuten;wijze;onderwerpen;afgesloten_op;uitkomst"]
    for year, topics in TOPICS.items():
        cases = [t for t, n in topics.items() for _ in range(n)]
        for n, topic in enumerate(cases):
            if COMPONENTS[n % 2] != component:
                continue
            day = dt.date(year, 3 * ((n // 2) % 4) + 1, 1) + dt.timedelta(days=n % 80)
            closed = (day + dt.timedelta(days=20)).isoformat() if n % 3 == 0 else ""
            lines.append(f"contact;{year}-{n};{day.isoformat()};45;telefoon;{topic};"
                         f"{closed};{'handvatten' if closed else ''}")
    path = folder / f"{component}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _needlessly_hidden(ledger: list[Publication], certificate: Certificate | None
                       ) -> list[object]:
    """The hidden cells of the last publication, other than the small counts themselves, that
    could be shown with every hidden small count still reaching every value 0..k−1 for a reader
    of the whole ledger (the MILP oracle; the certificate's witnesses that keep the cell at its
    true value answer most questions first)."""
    *prior, last = ledger
    candidates = [key for key in last.hidden() if not 0 < last.table.values[key] < last.k]
    trials: list[list[Publication]] = []
    hints: list[list[Certificate | None]] = []
    for key in candidates:
        quantity = (key, last.table.values[key])
        cells = {**last.cells, key: ProtectedCell(key, Status.PUBLISHED, quantity[1], last.k)}
        trials.append([*prior, Publication(last.table, cells, last.k)])
        hint = None
        if certificate is not None and quantity in certificate.quantities:
            at = certificate.quantities.index(quantity)
            hint = Certificate(
                tuple(q for q in certificate.quantities if q != quantity),
                tuple(tuple(v for n, v in enumerate(a) if n != at)
                      for a in certificate.assignments if a[at] == quantity[1]))
        hints.append([hint])
    ruled_out, _questions = attack(trials, hints)
    narrowing = {number for number, _key, _value in ruled_out}
    return [key for number, key in enumerate(candidates) if number not in narrowing]


@pytest.mark.slow  # about 55 s on 2 busy cores: 24 exports, 24 forwards, a report
def test_one_register_per_confidant_across_the_list_change(tmp_path: Path) -> None:
    run = Cli(tmp_path)
    f = tmp_path / "files"
    f.mkdir()
    run("central", "init", "--component", "DEFENSIE", "--role", "central")
    run("central", "card", "--out", str(f / "central.card"))
    codes: dict[str, str] = {}
    for component in COMPONENTS:
        coord, vp = f"coord-{component}", f"vp-{component}"
        run(coord, "init", "--component", component, "--role", "coordinator")
        run(coord, "card", "--out", str(f / f"{coord}.card"))
        run(coord, "card-import", str(f / "central.card"))
        run("central", "roster-add", str(f / f"{coord}.card"), "--active-from", "2018-01-01")
        run(vp, "init", "--component", component, "--role", "vp", "--codelist", "2018.1")
        moved = run(vp, "--lang", "en", "codelist-move", "--from", "2020-Q1")
        assert "From 2020-Q1 on this register records with topic list 2026.1" in moved
        assert "stay on 2018.1" in moved
        run(vp, "card", "--out", str(f / f"{vp}.card"))
        run(vp, "card-import", str(f / f"{coord}.card"))
        added = run(coord, "--lang", "en", "roster-add", str(f / f"{vp}.card"),
                    "--active-from", "2018-01-01")
        codes[component] = added.split()[0]
        assert "Imported" in run(vp, "--lang", "en", "import-csv", str(_csv(tmp_path, component)))
        stick = f / f"stick-{component}"
        for quarter in QUARTERS:
            run(vp, "export", "--quarter", quarter, "--out", str(stick))
        assert {p.name.split("-")[1] + "-" + p.name.split("-")[2]
                for p in stick.iterdir()} == set(QUARTERS)
        imported = run(coord, "--lang", "en", "import", str(stick))
        assert "Imported 12 new" in imported and "mixes" not in imported
        for quarter in QUARTERS:
            out = run(coord, "--lang", "en", "completeness", "--quarter", quarter)
            assert f"{quarter}: expected 1, received 1 (nil 0), missing 0, late 0." in out, out
            assert re.search(rf"{codes[component]}\s+reported\n", out), out
            run(coord, "forward", "--quarter", quarter, "--out", str(f / "up"))
    assert "Imported 24 new" in run("central", "--lang", "en", "import", str(f / "up"))
    for quarter in QUARTERS:
        out = run("central", "--lang", "en", "completeness", "--quarter", quarter)
        assert f"{quarter}: expected 2, received 2 (nil 0), missing 0, late 0." in out, out
    run("central", "report", "--year", "2020", "--format", "csv", "--out",
        str(f / "defensie-2020.csv"))
    cells = _topic_cells((f / "defensie-2020.csv").read_bytes())
    expected = {"topics": (543, 576, 680), "topic:intimidatie": (90, 109, 71),
                TOGETHER: (155, 159, 399), "group:zakelijke_integriteit": (None, None, 30)}
    assert [sum(TOPICS[y].values()) for y in TOPICS] == [543, 576, 680]
    for code, figures in expected.items():
        for year, want in zip(("2018", "2019", "2020"), figures, strict=True):
            shown = ("–", "did_not_exist") if want is None else (str(want), "published")
            assert cells[(code, year)][:2] == shown, (code, year, cells[(code, year)])
    # Zakelijke integriteit did not exist in 2018 and 2019 (list 2018.1): "–" for the group
    # and each of its topics, and the totals above add up the categories that existed
    business = [r for r, c in cells if c == "2018" and (
        r == "group:zakelijke_integriteit" or r in {f"topic:{t}" for t in BUSINESS})]
    assert len(business) == 8
    assert {cells[(r, y)][:2] for r in business for y in ("2018", "2019")} == {
        ("–", "did_not_exist")}
    assert all(cells[(r, "2020")][1] != "did_not_exist" for r in business)
    assert "–" not in {v for (r, c), (v, _s, _l) in cells.items() if r not in business}
    # what Defence itself published for 2020 (issue 19): Agressie 14, Discriminatie 11
    assert cells[("topic:agressie_geweld", "2020")][:2] == ("14", "published")
    assert cells[("topic:discriminatie", "2020")][:2] == ("11", "published")
    # and nothing is hidden that could be shown without narrowing a hidden count
    central = vault.unlock(tmp_path / "central", PASSPHRASE)
    try:
        ledger = publications.earlier(central)
        certificate = publications.certificate(central, publications.entries(central)[-1].id)
    finally:
        central.close()
    assert _needlessly_hidden(ledger, certificate) == []
    # The centre's own figures (before disclosure control) are exact for all three years.
    central = vault.unlock(tmp_path / "central", PASSPHRASE)
    try:
        years = {year: merging.year_table(central, year) for year in (2018, 2019, 2020)}
    finally:
        central.close()
    assert [sum(years[y].measures.topics.values()) for y in years] == [543, 576, 680]
    assert years[2020].measures.topics["intimidatie"] == 71
    assert years[2018].measures.topics["overige"] == 155
    assert {q.codelist_versions for y in (2018, 2019) for q in years[y].quarters} == {
        ("2018.1",)}
    assert {q.codelist_versions for q in years[2020].quarters} == {("2026.1",)}
    # One code per confidant: each coordinator's roster and every file carry that one code.
    for component in COMPONENTS:
        out = run(f"coord-{component}", "--lang", "en", "completeness", "--quarter", "2018-Q1")
        assert re.findall(rf"^{component}-\S+", out, re.MULTILINE) == [codes[component]]
    assert len(set(codes.values())) == 2
