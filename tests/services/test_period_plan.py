"""A period published as one (issue 19, Build 3): at central level the Defence report and the
report of each component of a period come from one plan, protected together; published in any
order (a component first, Defence first, a revision in between) the independent attacker
holding every printed report and "Defence = the sum of the components" narrows nothing, and
what the earlier reports already pin is refused with one sentence that changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random
import zlib
from pathlib import Path

import pytest

from app import cli
from app.errors import AppError
from app.export.disclosure import Equation, ProtectedCell, Publication, Status, Table
from app.models.entities import PublicationRecord
from app.services.coordination import publications
from app.services.coordination.period_plan import planned_report, publish_report
from app.services.storage import vault
from app.services.storage.vault import Register
from tests.conftest import PASSPHRASE
from tests.export.test_reports import DAY, _import, _m
from tests.services.conftest import central_template  # noqa: F401 (fixture)
from tests.services.coordination_helpers import (
    enrol,
    merged_file,
    new_sender,
    report_measures,
    vp_file,
    write,
)
from tests.services.disclosure_oracle import attack

COMPONENTS = ("CLAS", "CZSK")
NOW = dt.datetime(2027, 1, 20, 14, 30, 5)


def _central(template: Path, folder: Path, seed: int) -> tuple[Register, dict[str, object]]:
    """A central register with the quarters of 2025 and 2026 of two components (their
    coordinators' merged files); returns what a revision of CZSK's 2026-Q3 needs."""
    import shutil

    shutil.copytree(template, folder)
    reg = vault.unlock(folder, PASSPHRASE)
    rng = random.Random(seed)
    coordinators = {c: new_sender(f"{c}-CVP01", c, "coordinator") for c in COMPONENTS}
    vps = {c: new_sender(f"{c}-VP001", c) for c in COMPONENTS}
    enrol(reg, *coordinators.values(), active_from=dt.date(2025, 1, 1))
    paths = []
    ids = {}
    for year in (2025, 2026):
        for q in (1, 2, 3, 4):
            quarter = f"{year}-Q{q}"
            for c in COMPONENTS:
                sid = f"00000000-0000-4000-8000-{seed:05d}{year}{q}{COMPONENTS.index(c):02d}"
                ids[(c, quarter)] = sid
                inner = vp_file(vps[c], report_measures(rng), quarter=quarter)
                paths.append(write(folder.parent / f"in-{seed}", f"{c}-{quarter}.json",
                                   merged_file(coordinators[c], [inner], submission_id=sid)))
    _import(reg, paths)
    return reg, {"coordinators": coordinators, "vps": vps, "ids": ids, "rng": rng}


def _revise(reg: Register, folder: Path, made: dict[str, object]) -> None:
    """CZSK's coordinator sends 2026-Q3 again, with other figures (revision 2)."""
    coordinators, vps, ids = made["coordinators"], made["vps"], made["ids"]
    assert isinstance(coordinators, dict) and isinstance(vps, dict) and isinstance(ids, dict)
    inner = vp_file(vps["CZSK"], _m(6, {"pesten": 4, "stalking": 2}, closed=1, follow=3),
                    quarter="2026-Q3", revision=2)
    path = write(folder, "CZSK-2026-Q3-r2.json", merged_file(
        coordinators["CZSK"], [inner], revision=2, supersedes=ids[("CZSK", "2026-Q3")]))
    _import(reg, [path])


def _printed(reg: Register) -> list[tuple[str | None, Publication]]:
    """What each report of the ledger printed (its scope, its cells and its own sums)."""
    with reg.session() as s:
        rows = s.query(PublicationRecord).order_by(PublicationRecord.id).all()
        return [(r.component, Publication.from_json(json.loads(r.publication))) for r in rows]


def _cross_sums(printed: list[tuple[str | None, Publication]]) -> Publication:
    """What a reader of the printed reports also knows, worked out here on its own: every
    Defence figure is the sum of the same figure of the components that have its column
    (the latest report of each component), where the printed values add up."""
    latest: dict[str, Publication] = {}
    for component, pub in printed:
        if component is not None:
            latest[component] = pub
    values: dict[object, int] = {}
    cells: dict[object, ProtectedCell] = {}
    equations = []
    for component, defence in printed:
        if component is not None:
            continue
        for key, value in defence.table.values.items():
            if not isinstance(key, tuple) or "@" in key[0]:
                continue
            measure, period = key
            parts = []
            for c, pub in latest.items():
                part = (f"{measure}@{c}", period)
                if part in pub.table.values:
                    parts.append((part, pub))
                elif any(k[1] == period for k in pub.table.values if isinstance(k, tuple)):
                    break
            else:
                if parts and sum(p.table.values[k] for k, p in parts) == value:
                    for k, p in [*parts, (key, defence)]:
                        values[k] = p.table.values[k]
                        cells[k] = p.cells[k]
                    equations.append(Equation(key, tuple(k for k, _ in parts)))
    return Publication(Table(values, tuple(dict.fromkeys(equations))), cells, 5)


def _publish(reg: Register, folder: Path, component: str | None, n: str) -> int:
    done = publish_report(reg, 2026, None, "csv", folder / f"r{n}-{component}.csv", "nl", 5,
                          now=NOW, today=DAY, component=component)
    return done.id


def _attack_ledger(reg: Register) -> list[tuple[str | None, Publication]]:
    """The attacker holds every printed report and the cross sums: it narrows nothing."""
    printed = _printed(reg)
    cross = _cross_sums(printed)
    assert len(cross.table.equations) > 50  # the reader knows the sums across reports
    hints = [[plan.certificate for plan in publications.plans(reg)]]  # tried first
    ruled_out, _questions = attack([[p for _, p in printed] + [cross]], hints)
    assert ruled_out == []
    assert sum(len(p.hidden()) for _, p in printed) > 50
    return printed


def test_a_component_first_or_defence_first_gives_the_same_marks_and_narrows_nothing(
        central_template: Path, tmp_path: Path) -> None:
    """Publishing one component alone first does not make the others impossible later, and
    the order changes no mark: every report comes from the one plan of the period."""
    marks = []
    for name, order in (("component-first", ["CLAS", None, "CZSK"]),
                        ("defence-first", [None, "CZSK", "CLAS"])):
        reg, _made = _central(central_template, tmp_path / name, 31)
        try:
            numbers = [_publish(reg, tmp_path, c, f"{name}{n}") for n, c in enumerate(order)]
            assert [publications.verify(reg, n) for n in numbers] == [[], [], []]
            assert {e.plan for e in publications.entries(reg)} == {1}
            printed = _attack_ledger(reg)
            marks.append({c: sorted(map(repr, p.hidden())) for c, p in printed})
        finally:
            reg.close()
    assert marks[0] == marks[1]
    assert all(marks[0].values())  # every report hides something


def test_a_revision_between_reports_of_a_period_gets_a_new_plan_that_keeps_the_old_marks(
        central_template: Path, tmp_path: Path) -> None:
    reg, made = _central(central_template, tmp_path / "central", 31)
    try:
        first = _publish(reg, tmp_path, "CLAS", "a")
        _revise(reg, tmp_path / "revision", made)
        numbers = [_publish(reg, tmp_path, c, f"b{n}") for n, c in enumerate((None, "CZSK",
                                                                             "CLAS"))]
        assert [publications.verify(reg, n) for n in (first, *numbers)] == [[], [], [], []]
        assert [e.plan for e in publications.entries(reg)] == [1, 2, 2, 2]
        printed = _attack_ledger(reg)
        # CLAS's figures did not change: the new plan marks them as the first did
        (_, before), (_, after) = printed[0], printed[-1]
        assert before.table.values == after.table.values
        assert set(before.hidden()) == set(after.hidden())
        # CZSK's Q3 changed: its new figures are other quantities beside the old plan's
        old_plan, new_plan = publications.plans(reg)
        key = ("cases_new@CZSK", "2026-Q3")
        assert old_plan.publication.table.values[key] != new_plan.publication.table.values[key]
    finally:
        reg.close()


def _rows(reg: Register) -> list[tuple[object, ...]]:
    conn = reg.raw_connection()
    try:
        return [tuple(r) for table in ("publication", "publication_plan")
                for r in conn.execute(f"SELECT * FROM {table} ORDER BY id")]
    finally:
        conn.close()


def _pinning_row(reg: Register) -> None:
    """A report published before plans (version 9 of the program published component reports
    one by one): CLAS's new cases of 2026 per quarter, all but Q2 shown, and the year."""
    data = planned_report(reg, 2026, None, "CLAS", k=5, today=DAY)
    values = {key: v for key, v in data.publication.table.values.items()
              if key[0] == "cases_new@CLAS" and key[1].startswith("2026")}  # type: ignore[index]
    q2 = ("cases_new@CLAS", "2026-Q2")
    values[q2] = 2  # a small count, hidden: the year and the other quarters give it away
    year = ("cases_new@CLAS", "2026")
    values[year] = sum(v for key, v in values.items() if key != year)
    cells = {key: ProtectedCell(key, Status.HIDDEN, None, 5) if key == q2
             else ProtectedCell(key, Status.PUBLISHED, v, 5) for key, v in values.items()}
    table = Table(values, (Equation(year, tuple(k for k in values if k != year)),))
    content = b"cases;..."
    with reg.session() as s:
        s.add(PublicationRecord(
            published_at=NOW, year=2026, quarter=None, level="component", component="CLAS",
            report_day=DAY, format="csv", lang="nl", k=5, hidden=1, cells=len(values),
            publication=json.dumps(Publication(table, cells, 5).to_json()), certificate=None,
            app_version="0.1.0", file_name="clas-2026.csv",
            file_sha256=hashlib.sha256(content).hexdigest(), file_data=zlib.compress(content)))


def _cli(folder: Path, tmp_path: Path, *argv: str, lang: str) -> tuple[int, str, str]:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--register", str(folder), "--passphrase-file", str(secret), "--lang",
                     lang, *argv], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("lang", "words"), [
    ("nl", ("al verder in", "uit één plan")), ("en", ("already narrows", "from one plan"))])
def test_what_earlier_reports_pin_is_refused_and_nothing_changes(
        central_template: Path, tmp_path: Path, lang: str, words: tuple[str, str]) -> None:
    folder = tmp_path / "central"
    reg, _made = _central(central_template, folder, 5)
    try:
        _pinning_row(reg)
        before = _rows(reg)
    finally:
        reg.close()
    out = tmp_path / "out"
    out.mkdir()
    code, said, err = _cli(folder, tmp_path, "report", "--year", "2026", "--format", "csv",
                           "--out", str(out / "defence.csv"), lang=lang)
    assert code == cli.EXIT_USER and said == ""
    assert len(err.strip().splitlines()) == 1
    # CLAS's report pins its own Q2 (2), which no later report is blamed for (excused); but
    # the Defence figure of Q2, new in the plan, is CLAS's 2 plus CZSK's: at least 2
    assert all(w in err for w in words) and "cases_new / 2026-Q2" in err
    assert "1: 2026 CLAS" in err  # names the report that pins it
    assert list(out.iterdir()) == []
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        assert _rows(reg) == before  # no plan, no publication
        with pytest.raises(AppError):
            publish_report(reg, 2026, None, "csv", out / "clas.csv", lang, 5, today=DAY,
                           component="CLAS")
        assert _rows(reg) == before and list(out.iterdir()) == []
    finally:
        reg.close()


def test_cli_component_reports_at_central_level(central_template: Path, tmp_path: Path) -> None:
    folder = tmp_path / "central"
    reg, _made = _central(central_template, folder, 9)
    reg.close()
    out = tmp_path / "out"
    out.mkdir()
    for n, extra in enumerate((["--component", "czsk"], [], ["--component", "CLAS"])):
        code, said, err = _cli(folder, tmp_path, "report", "--year", "2026", "--quarter",
                               "2026-Q2", "--format", "csv", "--out", str(out / f"{n}.csv"),
                               *extra, lang="en")
        assert code == cli.EXIT_OK, err
        assert f"publication {n + 1}" in said and "plan of 2026-Q2" in said
        if n == 0:  # a report of the plan not written yet is planned, not published
            code, listed, err = _cli(folder, tmp_path, "publications", lang="en")
            assert listed.splitlines()[2] == ("  written: CZSK; not written yet: Defence, "
                                              "CLAS")
    code, said, err = _cli(folder, tmp_path, "report", "--year", "2026", "--quarter",
                           "2026-Q2", "--out", str(out / "x.csv"), "--component", "KMAR",
                           lang="en")
    assert code == cli.EXIT_USER and "KMAR" in err and "CLAS, CZSK" in err
    assert not (out / "x.csv").exists()
    code, listed, err = _cli(folder, tmp_path, "publications", lang="en")
    assert code == cli.EXIT_OK, err
    lines = listed.splitlines()
    assert [line.split()[5] for line in lines[:3]] == ["CZSK", "Defence", "CLAS"]
    assert all(line.endswith("plan 1") for line in lines[:3])
    assert lines[3].startswith("Plan 1 of 2026-Q2") and "Defence and 2 components" in lines[3]
    assert lines[4] == "  written: Defence, CLAS, CZSK; not written yet: —"
    for n in (1, 2, 3):
        code, said, err = _cli(folder, tmp_path, "verify-publication", str(n), lang="en")
        assert code == cli.EXIT_OK, err
    reg = vault.unlock(folder, PASSPHRASE)
    try:
        printed = _printed(reg)
        # the Defence report's component rows are the components' own new cases: one status
        defence = dict(printed[1][1].cells)
        for component, pub in (printed[0], printed[2]):
            key = (f"cases_new@{component}", "2026-Q2")
            assert pub.cells[key].status is defence[key].status
        # CSV codes stay the component's own (the register's @CODE is for the model)
        text = (out / "0.csv").read_bytes().decode("utf-8-sig")
        assert "cases_new@" not in text and ",cases_new," in text
        # a stored report that shows a cell its plan hides does not hold
        stored = printed[1][1].to_json()
        cells = stored["cells"]
        assert isinstance(cells, list)
        hidden_at = next(i for i, c in enumerate(cells) if c[2] == "hidden")
        cells[hidden_at] = [*cells[hidden_at][:2], "published"]
        conn = reg.raw_connection()
        try:
            conn.execute("UPDATE publication SET publication = ? WHERE id = 2",
                         (json.dumps(stored),))
        finally:
            conn.close()
        problems = publications.verify(reg, 2)
        assert len(problems) == 1 and "2" in problems[0] and "plan 1" in problems[0]
        assert publications.verify(reg, 1) == publications.verify(reg, 3) == []
    finally:
        reg.close()


def test_a_component_register_publishes_its_own_report_only(
        tmp_path: Path) -> None:
    folder = tmp_path / "clas"
    reg, _ = vault.create_register(folder, PASSPHRASE, roles=("coordinator",), component="CLAS")
    try:
        sender = new_sender("CLAS-AAAAA")
        enrol(reg, sender, active_from=dt.date(2025, 1, 1))
        _import(reg, [write(tmp_path / "in", "a.json", vp_file(
            sender, _m(7, {"pesten": 7}), quarter="2026-Q2"))])
    finally:
        reg.close()
    code, _said, err = _cli(folder, tmp_path, "report", "--year", "2026", "--quarter",
                           "2026-Q2", "--component", "CZSK", "--out",
                           str(tmp_path / "r.csv"), "--format", "csv", lang="en")
    assert code == cli.EXIT_USER and "of CLAS" in err and not (tmp_path / "r.csv").exists()


def test_a_plan_keeps_the_inequalities_and_the_response_lines_of_each_report(
        central_template: Path, tmp_path: Path) -> None:
    """Merged with main (issue 19 with w19audit and w22a11y): the period's one model holds
    every report's inequalities of definition (a component's under its own @CODE keys), the
    component's report carries them, and its notes end with who reported in its quarter."""
    from app.models.periods import Quarter
    from app.services.coordination import merging

    reg, _made = _central(central_template, tmp_path / "reg", 37)
    try:
        data = planned_report(reg, 2026, "2026-Q2", "CLAS", k=5, today=DAY)
        assert data.publication is not None and data.plan is not None
        own = data.publication.table.inequalities
        assert own and all("@CLAS" in repr(key) for ie in own for key in (*ie.parts, *ie.bound))
        in_plan = set(data.plan.publication.table.inequalities)
        assert set(own) <= in_plan
        assert any("@" not in repr(ie.parts) for ie in in_plan)  # the Defence report's too
        lines = merging.response_lines(reg, [Quarter.parse("2026-Q2")])
        assert lines and data.notes[-len(lines):] == lines
    finally:
        reg.close()


# --- the cross sums of rows one level shows otherwise (an older code list) -----------------
def _vp_on(sender: object, measures: object, quarter: str, version: str) -> bytes:
    """A confidant's quarterly file recorded on topic list ``version``."""
    import uuid

    from app.export import interchange
    from tests.services.coordination_helpers import CREATED, TODAY

    payload = interchange.build_payload(
        measures=measures, submission_id=str(uuid.uuid4()), revision=1,  # type: ignore[arg-type]
        supersedes=None, created_at=CREATED, app_version="0.1.0", level="vp",
        sender=interchange.Sender(sender.code, sender.component,  # type: ignore[attr-defined]
                                  sender.fingerprint),  # type: ignore[attr-defined]
        quarter=quarter, codelist_version=version)
    return interchange.write_file(payload, sender.key.private_key,  # type: ignore[attr-defined]
                                  today=TODAY)


def _mixed_lists(template: Path, folder: Path) -> Register:
    """2026-Q2 at central level: CLAS recorded on topic list 2018.1 (one "Overige" for five
    current topics, no Zakelijke integriteit), CZSK on 2026.1. The Defence column shows the
    five as one combined row and the Zakelijke integriteit rows with CZSK's figures only."""
    import shutil

    shutil.copytree(template, folder)
    reg = vault.unlock(folder, PASSPHRASE)
    coordinators = {c: new_sender(f"{c}-CVP01", c, "coordinator") for c in COMPONENTS}
    vps = {c: new_sender(f"{c}-VP001", c) for c in COMPONENTS}
    enrol(reg, *coordinators.values(), active_from=dt.date(2025, 1, 1))
    files = {"CLAS": _vp_on(vps["CLAS"], _m(6, {"discriminatie": 0, "pesten": 2, "agressie": 2,
                                                "overige": 0}), "2026-Q2", "2018.1"),
             "CZSK": _vp_on(vps["CZSK"], _m(8, {"lekken_informatie": 0, "werkdruk_inzet": 4,
                                                "misbruik_positie": 0, "thuisfront": 8,
                                                "pesten": 0, "priveomstandigheden": 2}),
                            "2026-Q2", "2026.1")}
    _import(reg, [write(folder.parent / "in", f"{c}.json", merged_file(coordinators[c], [f]))
                  for c, f in files.items()])
    return reg


def _topic_cover(measure: str) -> frozenset[str] | None:
    """The reader's own reading of a topic row's name: the current topics it counts."""
    from app.models import codelists

    lists = codelists.load()
    name, _sep, code = measure.partition(":")
    groups = {g.code: frozenset(t.code for t in g.topics) for g in lists.topic_groups}
    return (frozenset(t.code for t in lists.topics) if measure == "topics"
            else frozenset({code}) if name == "topic"
            else frozenset(code.split("+")) if name == "topics"
            else groups.get(code) if name == "group" else None)


def _topic_sums(printed: list[tuple[str | None, Publication]]) -> Publication:
    """What a reader adds up across the reports where the levels show other topic rows: a
    Defence topic row = the sum over the components of their *finest* printed rows inside it
    (a topic that did not exist on a component's list has no row there and adds nothing)."""
    values: dict[object, int] = {}
    cells: dict[object, ProtectedCell] = {}
    equations = []
    defence = next(p for c, p in printed if c is None)
    components = [p for c, p in printed if c is not None]
    for key, value in defence.table.values.items():
        cover = _topic_cover(key[0]) if isinstance(key, tuple) else None
        if cover is None or "@" in key[0]:
            continue
        parts = []
        for pub in components:
            rows = {k: _topic_cover(k[0].partition("@")[0]) for k in pub.table.values
                    if isinstance(k, tuple) and k[1] == key[1]}
            rows = {k: c for k, c in rows.items() if c is not None}
            finest = [k for k, c in rows.items()
                      if c <= cover and not any(o < c for o in rows.values())]
            parts += [(k, pub) for k in finest]
        if parts and sum(p.table.values[k] for k, p in parts) == value:
            for k, p in [*parts, (key, defence)]:
                values[k] = p.table.values[k]
                cells[k] = p.cells[k]
            equations.append(Equation(key, tuple(k for k, _ in parts)))
    return Publication(Table(values, tuple(dict.fromkeys(equations))), cells, 5)


def test_rows_that_only_one_level_shows_are_tied_by_their_sums_and_nothing_narrows(
        central_template: Path, tmp_path: Path) -> None:
    """Where a component's report shows other topic rows than the Defence report (its older
    code list), the plan holds the sums a reader forms across them: the attacker holding all
    three reports of the period narrows nothing. Built here without those sums (the plan of
    before), the same reader narrows hidden counts."""
    from app.export.disclosure import protect
    from app.models.periods import Quarter
    from app.services.coordination.period_plan import period_tables

    reg = _mixed_lists(central_template, tmp_path / "central")
    try:
        for n, c in enumerate((None, "CLAS", "CZSK")):
            publish_report(reg, 2026, "2026-Q2", "csv", tmp_path / f"m{n}.csv", "nl", 5,
                           now=NOW, today=DAY, component=c)
        printed = _printed(reg)
        tables = period_tables(reg, 2026, Quarter.parse("2026-Q2"), k=5, today=DAY)
    finally:
        reg.close()
    combined = ("topics:arbeidsconflict+priveomstandigheden+werkdruk_inzet+thuisfront+overig",
                "2026-Q2")
    assert combined in printed[0][1].table.values  # the Defence column shows them combined
    assert ("topic:werkdruk_inzet@CZSK", "2026-Q2") in printed[2][1].table.values

    def reader(reports: list[tuple[str | None, Publication]]) -> list[Publication]:
        return [*(p for _, p in reports), _cross_sums(reports), _topic_sums(reports)]

    known = {eq.total for eq in _cross_sums(printed).table.equations}
    assert combined in {eq.total for eq in _topic_sums(printed).table.equations} - known
    ruled_out, _questions = attack([reader(printed)])
    assert ruled_out == []

    # the plan of before: only the cross sums of rows both levels show
    def same_rows(eq: Equation) -> bool:
        return (isinstance(eq.total, tuple) and "@" not in eq.total[0]
                and any("@" in p[0] for p in eq.parts)  # type: ignore[index]
                and not (len(eq.parts) == len(COMPONENTS) and all(
                    p[0].partition("@")[0] == eq.total[0] for p in eq.parts)))  # type: ignore[index]

    model = tables.table
    without = Table(model.values, tuple(e for e in model.equations if not same_rows(e)),
                    model.weights, model.inequalities)
    assert len(without.equations) < len(model.equations)
    before = Publication.of(without, protect(without, 5)).cells
    remarked = [(c, Publication(p.table, {key: before[key] for key in p.table.values}, 5))
                for c, p in printed]
    ruled_out, _questions = attack([reader(remarked)])
    assert ruled_out  # without the sums the attacker narrows hidden counts


def _record(reg: Register, quarter: str | None, values: dict[object, int],
            hidden: set[object], equations: tuple[Equation, ...] = ()) -> None:
    """A CLAS report published before plans (version 9 of the program), as the ledger holds
    it."""
    cells = {key: ProtectedCell(key, Status.HIDDEN, None, 5) if key in hidden
             else ProtectedCell(key, Status.PUBLISHED, v, 5) for key, v in values.items()}
    content = f"cases;{quarter}".encode()
    with reg.session() as s:
        s.add(PublicationRecord(
            published_at=NOW, year=2026, quarter=quarter, level="component", component="CLAS",
            report_day=DAY, format="csv", lang="nl", k=5, hidden=len(hidden),
            cells=len(values), publication=json.dumps(Publication(
                Table(values, equations), cells, 5).to_json()),  # type: ignore[arg-type]
            certificate=None, app_version="0.1.0", file_name=f"clas-{quarter}.csv",
            file_sha256=hashlib.sha256(content).hexdigest(), file_data=zlib.compress(content)))


@pytest.mark.parametrize(("lang", "word"), [("nl", "al verder in"), ("en", "already narrows")])
def test_a_refusal_names_every_report_that_narrows_and_no_other(
        central_template: Path, tmp_path: Path, lang: str, word: str) -> None:
    """The year report of CLAS (Q2 and another quarter hidden) and that quarter's report (it
    shown) together pin Q2, and with it narrow the Defence figure of Q2: the refusal names
    both; a report of figures outside the period's sums is not named."""
    folder = tmp_path / "central"
    reg, _made = _central(central_template, folder, 5)
    try:
        data = planned_report(reg, 2026, None, "CLAS", k=5, today=DAY)
        values = {key: v for key, v in data.publication.table.values.items()
                  if key[0] == "cases_new@CLAS" and key[1].startswith("2026")}  # type: ignore[index]
        q2, year = ("cases_new@CLAS", "2026-Q2"), ("cases_new@CLAS", "2026")
        values[q2] = 2  # a small count
        values[year] = sum(v for key, v in values.items() if key != year)
        other = max(sorted(set(values) - {q2, year}), key=values.__getitem__)  # type: ignore[arg-type]
        assert values[other] >= 2  # the year report alone leaves Q2 every value 0..4
        _record(reg, None, values, {q2, other}, (Equation(year, tuple(k for k in values
                                                                       if k != year)),))
        _record(reg, other[1], {other: values[other]}, set())  # type: ignore[index]
        _record(reg, "2019-Q1", {("cases_new@CLAS", "2019-Q1"): 3}, set())
    finally:
        reg.close()
    code, said, err = _cli(folder, tmp_path, "report", "--year", "2026", "--format", "csv",
                           "--out", str(tmp_path / "defence.csv"), lang=lang)
    assert code == cli.EXIT_USER and said == "" and word in err
    # the Defence figure of Q2 (CLAS's pinned 2 plus CZSK's) is narrowed through CLAS's Q2
    assert "cases_new / 2026-Q2" in err
    assert "(1: 2026 CLAS; 2: 2026-Q" in err and "3:" not in err
    assert not (tmp_path / "defence.csv").exists()


def test_a_new_plan_after_a_revision_reuses_the_earlier_plans_witnesses(
        central_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan made after a revision carries the witnesses of the earlier plan's certificate
    (what ``publish_report`` passes: the latest publication's): it needs fewer solver calls
    than the same plan made without them (counted as ``make bench``'s scenario_disclosure
    counts them), and both hold."""
    from app.export.disclosure import verify_certificate
    from app.services.coordination.report_data import last_certificate
    from tests.services.test_disclosure import _solves

    reg, made = _central(central_template, tmp_path / "central", 31)
    try:
        _publish(reg, tmp_path, "CLAS", "a")
        _revise(reg, tmp_path / "revision", made)
        (first,) = publications.plans(reg)
        carried = last_certificate(reg)
        assert carried == (first.certificate,)
        prior = publications.earlier(reg)
        calls = _solves(monkeypatch)
        made_plans = {}
        for name, witnesses in (("carried", carried), ("fresh", ())):
            calls["solves"] = 0
            data = planned_report(reg, 2026, None, k=5, today=DAY, prior=prior,
                                  carried=witnesses)
            assert data.plan is not None and data.plan.id is None  # a new plan, not recorded
            assert data.plan.digest != first.digest
            made_plans[name] = (data.plan, calls["solves"])
    finally:
        reg.close()
    (plan, with_carried), (fresh_plan, fresh) = made_plans["carried"], made_plans["fresh"]
    assert fresh > 0 and with_carried < fresh, (with_carried, fresh)
    for p in (plan, fresh_plan):
        assert p.certificate is not None
        assert verify_certificate(p.publication, prior, p.certificate) == []
