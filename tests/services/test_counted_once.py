"""What an enrolled sender's file may claim (issue 13, items 3, 4 and 5): every VP report
counts once, figures keep the bounds an honest register keeps, and revisions form a chain.

The hostile files here are correctly signed by enrolled senders (the writer's own checks are
bypassed with `sign_envelope`): only the meaning can refuse them. Each refusal has its own
sentence and leaves the register byte for byte as it was.
"""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from app import cli, errors
from app.export import interchange
from app.export.measures import Measures, merge_all
from app.export.signed import sign_envelope
from app.i18n import _
from app.services.coordination import merging
from app.services.coordination.importing import ImportStatus, apply_import, plan_import
from app.services.storage.vault import Register
from tests.conftest import PASSPHRASE, snapshot

from .coordination_helpers import (
    CREATED,
    QUARTER,
    TODAY,
    Sender,
    enrol,
    merged_file,
    new_sender,
    vp_file,
    vp_payload,
    write,
)

M1 = Measures(cases_new=2, cases_open_end=2, contacts_first=2, minutes_contacts=90,
              topics={"pesten": 2}, modes={"telefoon": 2})
M2 = Measures(cases_new=1, cases_closed=1, contacts_first=1, contacts_followup=2,
              minutes_contacts=75, topics={"stalking": 1}, modes={"persoonlijk": 3},
              outcomes={"doorverwezen": 1})


def _signed(sender: Sender, payload: dict[str, Any]) -> bytes:
    return sign_envelope(interchange.FILE_FORMAT, payload, sender.key.private_key)


def _merged_payload(acvp: Sender, files: list[bytes], **kw: Any) -> dict[str, Any]:
    inputs = [interchange.read_file(f, today=TODAY) for f in files]
    return interchange.build_merged_payload(
        inputs, level="component",
        sender=interchange.Sender(acvp.code, acvp.component, acvp.fingerprint),
        expected=(), submission_id=str(uuid.uuid4()), revision=1, supersedes=None,
        created_at=CREATED, app_version="0.1.0", **kw)


def _plan_one(reg: Register, path: Path) -> Any:
    plan = plan_import(reg, [path], TODAY)
    (item,) = plan.items
    return plan, item


def _stored(folder: Path) -> dict[str, bytes]:
    """The register's files while it is open: the -shm file is SQLite's shared-memory index,
    which every read updates and which holds no data, so it is left out."""
    return {k: v for k, v in snapshot(folder).items() if not k.endswith("-shm")}


def _refused_untouched(reg: Register, folder: Path, path: Path,
                       error: type[errors.AppError], msgid: str | None = None) -> str:
    before = _stored(folder)
    plan, item = _plan_one(reg, path)
    assert item.status == ImportStatus.REFUSED, item.reason
    apply_import(reg, plan)
    assert _stored(folder) == before
    expected = _(msgid or error.default_message).split("{")[0]
    assert item.reason.startswith(expected.removesuffix(" " + _("Nothing was imported.")))
    return item.reason


# --- item 3: a VP report counts once -------------------------------------------------------
@pytest.fixture
def setting(coordinator: Register, coordinator_dir: Path, tmp_path: Path
            ) -> tuple[Register, Path, Sender, Sender, Sender]:
    a, b = new_sender("CLAS-AAAAA"), new_sender("CLAS-BBBBB")
    acvp = new_sender("CLAS-ACVP1", role="coordinator")
    enrol(coordinator, a, b, acvp)
    return coordinator, coordinator_dir, a, b, acvp


@pytest.mark.parametrize("spelling", ["clas-aaaaa", "Clas-Aaaaa", "CLAS-AAAAA\n"])
def test_a_source_code_in_another_spelling_is_refused(setting: Any, tmp_path: Path,
                                                      spelling: str) -> None:
    reg, folder, a, b, acvp = setting
    fa = vp_file(a, M1)
    apply_import(reg, plan_import(reg, [write(tmp_path, "a.json", fa)], TODAY))
    payload = _merged_payload(acvp, [fa, vp_file(b, M2)])
    for ref in payload["sources"] + payload["merged_from"]:
        if ref["sender_code"] == a.code:
            ref["sender_code"] = spelling
    payload["sources"].sort(key=lambda s: (s["sender_code"], s["submission_id"]))
    payload["reporting"] = interchange.Reporting.of(
        [s["sender_code"] for s in payload["sources"]],
        [s["sender_code"] for s in payload["sources"]], []).to_dict()
    path = write(tmp_path, "m.json", _signed(acvp, payload))
    if spelling.endswith("\n"):
        _refused_untouched(reg, folder, path, errors.InvalidValue)
    else:
        reason = _refused_untouched(reg, folder, path, errors.SourceNotOnRoster)
        assert spelling in reason
    assert merging.quarter_table(reg, QUARTER).measures == M1  # A counted once, B not at all


def test_a_source_whose_file_is_already_here_under_another_code_is_refused(
        setting: Any, tmp_path: Path) -> None:
    reg, folder, a, b, acvp = setting
    fa = vp_file(a, M1)
    apply_import(reg, plan_import(reg, [write(tmp_path, "a.json", fa)], TODAY))
    payload = _merged_payload(acvp, [vp_file(b, M2)])
    sha_of_a = interchange.read_file(fa, today=TODAY).sha256
    for ref in payload["sources"] + payload["merged_from"]:
        ref["sha256"] = sha_of_a  # B's entry claims A's file
    path = write(tmp_path, "m.json", _signed(acvp, payload))
    reason = _refused_untouched(reg, folder, path, errors.SourceAlreadyCountedOtherwise)
    assert a.code in reason and b.code in reason
    assert merging.quarter_table(reg, QUARTER).measures == M1


def test_a_source_whose_submission_id_is_already_here_with_another_file_is_refused(
        setting: Any, tmp_path: Path) -> None:
    reg, folder, a, _b, acvp = setting
    fa = vp_file(a, M1)
    apply_import(reg, plan_import(reg, [write(tmp_path, "a.json", fa)], TODAY))
    other = vp_file(a, M2, submission_id=interchange.read_file(fa, today=TODAY).submission_id)
    path = write(tmp_path, "m.json", merged_file(acvp, [other]))
    _refused_untouched(reg, folder, path, errors.SourceAlreadyCountedOtherwise)
    assert merging.quarter_table(reg, QUARTER).measures == M1


def test_the_same_report_inside_a_merged_file_counts_once(setting: Any, tmp_path: Path) -> None:
    """The honest case beside the hostile ones: A's own file and the ACVP's file holding it."""
    reg, _folder, a, b, acvp = setting
    fa, fb = vp_file(a, M1), vp_file(b, M2)
    apply_import(reg, plan_import(reg, [write(tmp_path, "a.json", fa)], TODAY))
    plan, item = _plan_one(reg, write(tmp_path, "m.json", merged_file(acvp, [fa, fb])))
    assert item.status == ImportStatus.NEW, item.reason
    apply_import(reg, plan)
    assert merging.quarter_table(reg, QUARTER).measures == merge_all([M1, M2])


@pytest.mark.parametrize("twice", ["code", "code in lower case", "sha256", "submission_id"])
def test_a_merged_file_listing_one_report_twice_is_refused(setting: Any, tmp_path: Path,
                                                           twice: str) -> None:
    reg, folder, a, b, acvp = setting
    payload = _merged_payload(acvp, [vp_file(a, M1), vp_file(b, M2)])
    first, second = payload["sources"]
    if twice == "code":
        second["sender_code"] = first["sender_code"]
    elif twice == "code in lower case":
        second["sender_code"] = first["sender_code"].lower()
    else:
        second[twice] = first[twice]
    path = write(tmp_path, "m.json", _signed(acvp, payload))
    _refused_untouched(reg, folder, path, errors.LevelRuleViolation,
                       errors.LEVEL_RULE_SOURCE_TWICE)


def test_the_roster_refuses_a_second_spelling_of_an_enrolled_code(coordinator: Register) -> None:
    enrol(coordinator, new_sender("CLAS-AAAAA"))
    with pytest.raises(errors.RosterError) as caught:
        enrol(coordinator, new_sender("clas-aaaaa"))
    assert "CLAS-AAAAA" in caught.value.message


# --- item 5: a merged file without sources ------------------------------------------------
def test_a_merged_file_without_sources_is_refused_with_a_sentence(
        setting: Any, tmp_path: Path) -> None:
    reg, folder, a, _b, acvp = setting
    payload = _merged_payload(acvp, [vp_file(a, Measures())])
    payload["sources"] = []
    payload["reporting"] = {"expected": [], "received": [], "nil": [], "missing": []}
    path = write(tmp_path, "empty-sources.json", _signed(acvp, payload))
    _refused_untouched(reg, folder, path, errors.LevelRuleViolation,
                       errors.LEVEL_RULE_NO_SOURCES)
    reg.close()
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    before = snapshot(folder)
    code = cli.main(["--register", str(folder), "--passphrase-file", str(secret), "import",
                     str(path)], out=out, err=err)
    assert code == 2 and "Traceback" not in err.getvalue()  # it was exit 1 (a constraint)
    assert "VP-rapportage" in out.getvalue() and snapshot(folder) == before


# --- item 4: impossible figures -------------------------------------------------------------
BOUNDS = {
    "minutes beyond 1440 per contact": (
        {"minutes_contacts": 1441 * 3}, errors.BOUND_MINUTES_PER_CONTACT),
    "minutes below 1 per contact": ({"minutes_contacts": 2}, errors.BOUND_MINUTES_PER_CONTACT),
    "minutes without contacts": (
        {"contacts_first": 0, "cases_new": 0, "modes": {}, "topics": {}, "minutes_contacts": 5,
         "cases_open_end": 0}, errors.BOUND_MINUTES_PER_CONTACT),
    "first contacts differ from new cases": (
        {"contacts_first": 2, "contacts_followup": 1}, errors.BOUND_FIRST_CONTACTS),
    "new cases vanished": ({"cases_open_end": 0}, errors.BOUND_NEW_CASES),
    "modes do not add up": ({"modes": {"telefoon": 1}}, errors.BOUND_MODES),
    "modes add up to more": ({"modes": {"telefoon": 3, "video": 1}}, errors.BOUND_MODES),
    "more outcomes than closed cases": (
        {"cases_closed": 1, "outcomes": {"doorverwezen": 1, "handvatten": 1}},
        errors.BOUND_OUTCOMES),
    "a topic above the new cases": ({"topics": {"pesten": 4}}, errors.BOUND_TOPIC),
    "a ground above discrimination": (
        {"topics": {"discriminatie": 1}, "discrimination_grounds": {"leeftijd": 2}},
        errors.BOUND_GROUND),
}
HONEST = Measures(cases_new=3, cases_closed=1, cases_open_end=2, contacts_first=3,
                  contacts_followup=0, minutes_contacts=120, topics={"pesten": 3},
                  modes={"telefoon": 3}, outcomes={"doorverwezen": 1})


@pytest.mark.parametrize("bound", sorted(BOUNDS))
def test_impossible_figures_from_an_enrolled_sender_are_refused(
        coordinator: Register, coordinator_dir: Path, tmp_path: Path, bound: str) -> None:
    changes, msgid = BOUNDS[bound]
    sender = new_sender("CLAS-AAAAA")
    enrol(coordinator, sender)
    payload = json.loads(json.dumps(vp_payload(sender, HONEST)))
    for name, value in changes.items():
        if isinstance(value, dict):
            for code in payload["measures"][name]:
                payload["measures"][name][code] = value.get(code, 0)
        else:
            payload["measures"][name] = value
    path = write(tmp_path, "f.json", _signed(sender, payload))
    _refused_untouched(coordinator, coordinator_dir, path, errors.InconsistentMeasures, msgid)
    with pytest.raises(errors.InconsistentMeasures):  # the writer refuses it as well
        interchange.write_file(payload, sender.key.private_key, today=TODAY)


def test_the_honest_figures_next_to_them_are_accepted() -> None:
    sender = new_sender("CLAS-AAAAA")
    assert interchange.read_file(vp_file(sender, HONEST), today=TODAY).measures == HONEST


@pytest.mark.parametrize("measure", ["topics", "modes", "outcomes", "minutes_activities",
                                     "discrimination_grounds", "referrals"])
def test_a_missing_code_is_refused(coordinator: Register, coordinator_dir: Path,
                                   tmp_path: Path, measure: str) -> None:
    sender = new_sender("CLAS-AAAAA")
    enrol(coordinator, sender)
    payload = json.loads(json.dumps(vp_payload(sender, HONEST)))
    dropped = sorted(payload["measures"][measure])[-1]
    del payload["measures"][measure][dropped]
    path = write(tmp_path, "f.json", _signed(sender, payload))
    reason = _refused_untouched(coordinator, coordinator_dir, path, errors.MissingCode)
    assert dropped in reason


# --- item 4: the revision chain ------------------------------------------------------------
def _revision(sender: Sender, revision: int, supersedes: str | None,
              submission_id: str | None = None, measures: Measures = M1) -> bytes:
    payload = vp_payload(sender, measures, revision=revision,
                         submission_id=submission_id or str(uuid.uuid4()))
    payload["supersedes"] = supersedes
    return _signed(sender, payload)


def _id(data: bytes) -> str:
    return interchange.read_file(data, today=TODAY).submission_id


@pytest.fixture
def chain(coordinator: Register, tmp_path: Path) -> tuple[Register, Sender, bytes, bytes]:
    a = new_sender("CLAS-AAAAA")
    enrol(coordinator, a)
    r1 = _revision(a, 1, None)
    r2 = _revision(a, 2, _id(r1), measures=M2)
    apply_import(coordinator, plan_import(coordinator, [write(tmp_path, "r1.json", r1),
                                                        write(tmp_path, "r2.json", r2)], TODAY))
    return coordinator, a, r1, r2


def test_a_revision_naming_itself_is_refused(chain: Any, coordinator_dir: Path,
                                             tmp_path: Path) -> None:
    reg, a, _r1, _r2 = chain
    sid = str(uuid.uuid4())
    path = write(tmp_path, "self.json", _revision(a, 3, sid, submission_id=sid))
    _refused_untouched(reg, coordinator_dir, path, errors.RevisionInconsistent,
                       errors.REVISION_NAMES_ITSELF)


def test_a_revision_skipping_one_is_refused(chain: Any, coordinator_dir: Path,
                                            tmp_path: Path) -> None:
    reg, a, r1, _r2 = chain
    path = write(tmp_path, "skip.json", _revision(a, 3, _id(r1)))  # names 1, not 2
    _refused_untouched(reg, coordinator_dir, path, errors.RevisionInconsistent,
                       errors.REVISION_NOT_PREVIOUS)


def test_a_revision_naming_one_that_does_not_exist_is_refused(chain: Any, coordinator_dir: Path,
                                                              tmp_path: Path) -> None:
    reg, a, _r1, _r2 = chain
    path = write(tmp_path, "ghost.json", _revision(a, 3, str(uuid.uuid4())))
    _refused_untouched(reg, coordinator_dir, path, errors.RevisionInconsistent,
                       errors.REVISION_NOT_PREVIOUS)


def test_a_revision_naming_another_senders_file_is_refused(chain: Any, coordinator_dir: Path,
                                                           tmp_path: Path) -> None:
    reg, _a, _r1, _r2 = chain
    b = new_sender("CLAS-BBBBB")
    enrol(reg, b)
    path = write(tmp_path, "other.json", _revision(b, 2, _id(_r1)))
    _refused_untouched(reg, coordinator_dir, path, errors.RevisionInconsistent,
                       errors.REVISION_NAMES_OTHER)


def test_a_reused_submission_id_is_refused(chain: Any, coordinator_dir: Path,
                                           tmp_path: Path) -> None:
    reg, a, r1, r2 = chain
    path = write(tmp_path, "reuse.json", _revision(a, 3, _id(r2), submission_id=_id(r1)))
    _refused_untouched(reg, coordinator_dir, path, errors.SubmissionIdReused)


def test_an_earlier_revision_the_later_one_does_not_name_is_refused(
        coordinator: Register, coordinator_dir: Path, tmp_path: Path) -> None:
    a = new_sender("CLAS-AAAAA")
    enrol(coordinator, a)
    r1 = _revision(a, 1, None)
    r2 = _revision(a, 2, _id(r1))
    apply_import(coordinator, plan_import(coordinator, [write(tmp_path, "r2.json", r2)], TODAY))
    impostor = write(tmp_path, "r1b.json", _revision(a, 1, None))  # not the r1 that r2 names
    _refused_untouched(coordinator, coordinator_dir, impostor, errors.RevisionInconsistent,
                       errors.REVISION_NOT_NAMED_BY_NEXT)
    _plan, item = _plan_one(coordinator, write(tmp_path, "r1.json", r1))  # the real one
    assert item.status == ImportStatus.OLDER, item.reason


def test_a_revision_whose_previous_one_never_arrived_is_accepted(
        coordinator: Register, tmp_path: Path) -> None:
    """A lost stick: revision 2 arrives alone and names a revision 1 this register never saw."""
    a = new_sender("CLAS-AAAAA")
    enrol(coordinator, a)
    plan, item = _plan_one(coordinator, write(tmp_path, "r2.json",
                                              _revision(a, 2, str(uuid.uuid4()))))
    assert item.status == ImportStatus.NEW, item.reason
    apply_import(coordinator, plan)
    assert merging.quarter_table(coordinator, QUARTER).measures == M1
