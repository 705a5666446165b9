"""Reports of other registers in the ledger (issue 19): a component file may carry what its
register published; files without the field import as before; at central level what it
carries is recorded once, in the centre's cell names, and every later report is protected
against it; a refusal caused by it names the component's report."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest

from app.errors import AppError, InvalidImportFile
from app.export import interchange
from app.export.disclosure import Equation, ProtectedCell, Publication, Status, Table
from app.i18n import set_language
from app.services.coordination import period_plan, publications
from app.services.coordination.importing import apply_import, plan_import
from app.services.coordination.period_plan import publish_report
from app.services.storage.vault import Register
from tests.export.test_reports import _m
from tests.services.conftest import central_template  # noqa: F401 (fixture)
from tests.services.coordination_helpers import (
    CREATED,
    TODAY,
    Sender,
    enrol,
    merged_file,
    new_sender,
    vp_file,
    write,
)
from tests.services.disclosure_oracle import attack

QUARTERS = {"2026-Q1": 6, "2026-Q2": 7, "2026-Q3": 3, "2026-Q4": 8}  # CLAS's new cases


def _pinning_report() -> Publication:
    """A (careless) report of CLAS's own register: the year's new cases and three quarters
    shown, Q3 (3) hidden — pinned by its own sum."""
    values: dict[object, int] = {("cases_new", q): n for q, n in QUARTERS.items()}
    values[("cases_new", "2026")] = sum(QUARTERS.values())
    table = Table(values, (Equation(("cases_new", "2026"),  # type: ignore[arg-type]
                                    tuple(("cases_new", q) for q in QUARTERS)),))
    cells = {k: ProtectedCell(k, Status.HIDDEN, None, 5) if k == ("cases_new", "2026-Q3")
             else ProtectedCell(k, Status.PUBLISHED, v, 5) for k, v in values.items()}
    return Publication(table, cells, 5)  # type: ignore[arg-type]


def _carried(publication: Publication, ref: str = "plan-1") -> dict[str, object]:
    return {"ref": ref, "published_at": "2027-01-10T09:00:00Z", "year": 2026, "quarter": None,
            "digest": "ab" * 32, "publication": publication.to_json()}


def _component_file(coordinator: Sender, vp: Sender, quarter: str, *, carried: list[dict],
                    revision: int = 1, supersedes: str | None = None,
                    submission_id: str | None = None) -> bytes:
    inner = interchange.read_file(
        vp_file(vp, _m(QUARTERS[quarter], {"pesten": QUARTERS[quarter]}), quarter=quarter),
        today=TODAY)
    payload = interchange.build_merged_payload(
        [inner], level="component",
        sender=interchange.Sender(coordinator.code, coordinator.component,
                                  coordinator.fingerprint),
        expected=(), submission_id=submission_id or str(uuid.uuid4()), revision=revision,
        supersedes=supersedes, created_at=CREATED, app_version="0.1.0", publications=carried)
    return interchange.write_file(payload, coordinator.key.private_key, today=TODAY)


def _import(reg: Register, paths: list[Path]) -> int:
    plan = plan_import(reg, paths, TODAY)
    assert plan.refused == [], [i.reason for i in plan.refused]
    return apply_import(reg, plan, now=dt.datetime(2026, 12, 1, 9, 0)).publications


def test_an_older_file_without_publications_still_imports(central: Register,
                                                           tmp_path: Path) -> None:
    coordinator, vp = new_sender("CLAS-CVP01", "CLAS", "coordinator"), new_sender("CLAS-VP001")
    enrol(central, coordinator)
    data = merged_file(coordinator, [vp_file(vp, _m(4, {"pesten": 4}))])
    assert b'"publications"' not in data  # the file as every version before wrote it
    assert _import(central, [write(tmp_path, "old.json", data)]) == 0
    assert publications.foreign(central) == []


def test_carried_publications_are_recorded_once_in_the_centres_names(
        central: Register, tmp_path: Path) -> None:
    coordinator, vp = new_sender("CLAS-CVP01", "CLAS", "coordinator"), new_sender("CLAS-VP001")
    enrol(central, coordinator)
    report = _pinning_report()
    paths = [write(tmp_path, f"{q}.json",
                   _component_file(coordinator, vp, q, carried=[_carried(report)]))
             for q in QUARTERS]
    assert _import(central, paths) == 1  # four files carry it, it is recorded once
    (held,) = publications.foreign(central)
    assert (held.origin, held.component, held.ref, held.period) == ("CLAS-CVP01", "CLAS",
                                                                    "plan-1", "2026")
    assert held.publication.table.values[("cases_new@CLAS", "2026-Q3")] == 3
    assert held.publication.hidden() == [("cases_new@CLAS", "2026-Q3")]
    assert held.publication.cells[("cases_new@CLAS", "2026-Q1")].value == 6
    assert any(p.table.values == held.publication.table.values
               for p in publications.earlier(central))
    # CLAS's own report pins its hidden 3 (that is not the centre's doing: excused), but the
    # centre's year report would print the Defence figure of Q3, new in it and the same 3
    # (CLAS is the only component): it cannot keep that hidden, and says which report of
    # which register pins it
    with pytest.raises(AppError) as refused:
        publish_report(central, 2026, None, "csv", tmp_path / "r.csv", "en", 5,
                       today=dt.date(2027, 1, 15))
    assert not (tmp_path / "r.csv").exists()
    assert publications.entries(central) == []
    assert "componentcoördinatoren" in refused.value.message  # Dutch first
    set_language("en")
    assert "2026 CLAS (CLAS-CVP01, plan-1)" in refused.value.message
    assert "component coordinators" in refused.value.message
    assert "cases_new / 2026-Q3" in refused.value.message


@pytest.mark.parametrize(("level", "damage", "field"), [
    ("vp", False, "publications"),
    ("component", True, "publications.0.publication"),
])
def test_a_file_whose_publications_are_wrong_is_refused(level: str, damage: bool,
                                                        field: str) -> None:
    coordinator, vp = new_sender("CLAS-CVP01", "CLAS", "coordinator"), new_sender("CLAS-VP001")
    carried = _carried(_pinning_report())
    if damage:  # the year no longer adds up to its quarters
        pub = dict(carried["publication"])  # type: ignore[arg-type]
        pub["cells"] = [[c[0], c[1] + 1 if c[0] == ["cases_new", "2026"] else c[1], c[2]]
                        for c in pub["cells"]]
        carried = {**carried, "publication": pub}
    if level == "vp":
        payload = interchange.build_payload(
            measures=_m(4, {"pesten": 4}), submission_id=str(uuid.uuid4()), revision=1,
            supersedes=None, created_at=CREATED, app_version="0.1.0", level="vp",
            sender=interchange.Sender(vp.code, vp.component, vp.fingerprint),
            quarter="2026-Q3")
        payload["publications"] = [carried]
        key = vp.key.private_key
    else:
        inner = interchange.read_file(vp_file(vp, _m(4, {"pesten": 4})), today=TODAY)
        payload = interchange.build_merged_payload(
            [inner], level="component",
            sender=interchange.Sender(coordinator.code, "CLAS", coordinator.fingerprint),
            expected=(), submission_id=str(uuid.uuid4()), revision=1, supersedes=None,
            created_at=CREATED, app_version="0.1.0", publications=[carried])
        key = coordinator.key.private_key
    with pytest.raises(InvalidImportFile) as refused:
        interchange.write_file(payload, key, today=TODAY)
    assert field in refused.value.message


def defence_then_clas(central: Register, tmp_path: Path, shows_a_complement: bool
                      ) -> publications.Published:
    """The centre publishes the Defence report of 2026 (its plan made); then CLAS's own year
    report arrives with a forwarded file: the year shown, the quarters hidden, and with
    ``shows_a_complement`` a quarter shown that the centre's plan hid beside CLAS's 3."""
    coordinator, vp = new_sender("CLAS-CVP01", "CLAS", "coordinator"), new_sender("CLAS-VP001")
    enrol(central, coordinator)
    ids = {q: str(uuid.uuid4()) for q in QUARTERS}
    _import(central, [write(tmp_path / "in", f"{q}.json", _component_file(
        coordinator, vp, q, carried=[], submission_id=ids[q])) for q in QUARTERS])
    day = dt.date(2027, 1, 15)
    published = publish_report(central, 2026, None, "csv", tmp_path / "d.csv", "en", 5,
                               today=day)
    values: dict[object, int] = {("cases_new", q): n for q, n in QUARTERS.items()}
    values[("cases_new", "2026")] = sum(QUARTERS.values())
    shown = {("cases_new", "2026")}
    if shows_a_complement:  # CLAS shows a quarter the centre's plan hid beside its 3
        (plan,) = publications.plans(central)
        shown |= {(k[0].removesuffix("@CLAS"), k[1]) for k in plan.publication.hidden()
                  if isinstance(k, tuple) and k[0] == "cases_new@CLAS"
                  and plan.publication.table.values[k] >= 5}
        assert len(shown) >= 2
    cells = {k: ProtectedCell(k, Status.PUBLISHED, v, 5) if k in shown
             else ProtectedCell(k, Status.HIDDEN, None, 5) for k, v in values.items()}
    theirs = Publication(Table(values, (Equation(("cases_new", "2026"),  # type: ignore[arg-type]
                                                 tuple(("cases_new", q) for q in QUARTERS)),)),
                         cells, 5)  # type: ignore[arg-type]
    assert _import(central, [write(tmp_path / "in2", "q4-r2.json", _component_file(
        coordinator, vp, "2026-Q4", carried=[_carried(theirs)], revision=2,
        supersedes=ids["2026-Q4"]))]) == 1
    return published


@pytest.mark.parametrize("shows_a_complement", [False, True])
def test_a_report_arriving_after_a_plan_binds_the_periods_next_report(
        central: Register, tmp_path: Path, shows_a_complement: bool) -> None:
    """The centre published the Defence report of 2026 (its plan made); then CLAS's own year
    report arrives. The next report of the period (CLAS's as the centre prints it) follows the
    plan while the plan's certificate still holds with CLAS's report (it shows the year, hides
    the quarters): proven, and the attacker holding all of it narrows nothing. When CLAS's
    report shows a quarter the plan hid beside the 3, the two pin it between them (the centre
    cannot undo what is out; this is why a period is planned together): the next report is
    published from a new plan that narrows nothing more, and its check says so."""
    first = defence_then_clas(central, tmp_path, shows_a_complement)
    day = dt.date(2027, 1, 15)
    received = [f.publication for f in publications.foreign(central)]
    if shows_a_complement:  # together with the Defence report it pins CLAS's 3 ...
        (before,) = [p.publication for p in publications.plans(central)]
        pinned, _n = attack([[before, *received]])
        assert {(key, v) for _, key, v in pinned} >= {
            (("cases_new@CLAS", "2026-Q3"), v) for v in (0, 1, 2, 4)}
        # ... which no report of the centre can undo, and is not the next one's doing: it
        # is published from a new plan, made against the old one whole and CLAS's report,
        # that narrows nothing more; its check says what was ruled out before, and by whom
        second = publish_report(central, 2026, None, "csv", tmp_path / "c.csv", "en", 5,
                                today=day, component="CLAS")
        assert publications.entries(central)[-1].plan == 2  # a new plan
        assert publications.verify(central, second.id) == []
        set_language("en")
        said = period_plan.ruled_out_before(central, second.id)
        assert said is not None and said.startswith(f"{len(pinned)} values of the hidden "
                                                    "figures ")
        assert "; cases_new@CLAS / 2026-Q3;" in said
        assert "(1: 2026 Defence; 2026 CLAS (CLAS-CVP01, plan-1))" in said
        after, _n = attack([[*[p.publication for p in publications.plans(central)],
                             *received]])
        assert sorted(after) == sorted(pinned)
        return
    second = publish_report(central, 2026, None, "csv", tmp_path / "c.csv", "en", 5,
                            today=day, component="CLAS")
    assert period_plan.ruled_out_before(central, second.id) is None
    assert publications.verify(central, first.id) == []
    assert publications.verify(central, second.id) == []
    printed = [p.publication for p in publications.plans(central)]
    assert len(printed) == 1 and second.data.plan is not None and second.data.plan.id == 1
    ruled_out, _n = attack([[*printed, *received]])
    assert ruled_out == []
