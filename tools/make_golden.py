"""Golden files of every interchange and report format, rebuilt from fixed inputs.

    python tools/make_golden.py            # rewrite tests/data/golden/v1/ (a reviewed change)
    python tools/make_golden.py --check    # compare only; exit 1 naming the files that differ

The files are made the way the program makes them: real SQLCipher registers (throwaway, in a
temporary folder) filled through the services, then the real writers: the confidant's export
(signed, then sealed to the coordinator), the coordinator's import (its receipts), forwarding
(the merged component-level file), the enrolment cards, and the reports (CSV and PDF).
Everything that varies from one run to the next in the program is fixed here and passed in
explicitly: the keys (hex below), the clock, the submission ids, the program version written
into the files, and the randomness of the sealing (a seeded stream instead of os.urandom).

tests/test_golden_files.py rebuilds the files with ``build`` on the platform it runs on (Linux
and Windows) and compares them with the committed ones byte for byte, then imports each
committed file through the services. A deliberate change of a format is therefore a run of
this tool and a reviewed diff of tests/data/golden/; the files of a released format version
stay in their folder, so a reader that stops accepting them fails the test.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `app` importable from the checkout
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from app.export import crypto, interchange  # noqa: E402
from app.export.measures import Measures  # noqa: E402
from app.models.entities import Case, Profile  # noqa: E402
from tests.cheap_kdf import TEST_PROFILE, install  # noqa: E402

install()  # throwaway registers: the tests' cheap key derivation (tests/cheap_kdf.py)
from app.models.periods import Quarter  # noqa: E402
from app.services.confidant import coordinator_link, exporting  # noqa: E402
from app.services.confidant.cases import CaseService, ReferralInput  # noqa: E402
from app.services.confidant.quarter_overview import write_vp_quarter_pdf  # noqa: E402
from app.services.coordination import forwarding, importing, roster  # noqa: E402
from app.services.coordination.report_data import report_data, write_report_file  # noqa: E402
from app.services.storage import vault  # noqa: E402

FORMAT_VERSION = 1
GOLDEN_DIR = ROOT / "tests" / "data" / "golden" / f"v{FORMAT_VERSION}"

# The names of the committed files, and what each one is.
FILES: dict[str, str] = {
    "card-vp.json": "enrolment card of the confidant CLAS-GLDVP",
    "card-vp-nil.json": "enrolment card of the confidant CLAS-GLDNL",
    "card-coordinator.json": "enrolment card of the coordinator CLAS-GLDCV",
    "card-central.json": "enrolment card of the central compiler DEFENSIE-GLDCT",
    "vp-quarterly-signed.json": "CLAS-GLDVP's 2026-Q1, revision 1: signed, not sealed",
    "vp-quarterly-sealed.json": "CLAS-GLDVP's 2026-Q1, revision 2: signed and sealed",
    "vp-quarterly-nil.json": "CLAS-GLDNL's 2026-Q1: a nil return, signed, not sealed",
    "receipt.json": "the coordinator's receipt of the sealed revision 2",
    "component-merged.json": "the coordinator's merged 2026-Q1 (level component)",
    "component-merged-r2.json": "the coordinator's 2026-Q1 forwarded again: revision 2, its own "
                                "submission id, superseding revision 1",
    "defence-merged.json": "the central compiler's merged 2026-Q1 (level defence) of revision 2",
    "report.csv": "the coordinator's 2026 report as CSV (Dutch)",
    "report.pdf": "the coordinator's 2026 report as PDF (Dutch)",
    "vp-quarter.pdf": "CLAS-GLDVP's own PDF overview of 2026-Q1 (Dutch)",
}

# --- fixed inputs ---------------------------------------------------------------------------
APP_VERSION = "1.0.0"  # written into the files instead of the running version
PASSPHRASE = "gouden bestanden zijn vaste bestanden"  # of the throwaway registers
COMPONENT = "CLAS"
QUARTER = Quarter(2026, 1)
REPORT_YEAR = 2026
REPORT_K = 5
LANG = "nl"


@dataclass(frozen=True)
class Identity:
    """Who a register belongs to: code and raw private keys (Ed25519 signing, X25519 sealing)."""

    code: str
    roles: tuple[str, ...]
    signing_hex: str
    sealing_hex: str

    @property
    def signing_private(self) -> bytes:
        return bytes.fromhex(self.signing_hex)

    @property
    def sealing_private(self) -> bytes:
        return bytes.fromhex(self.sealing_hex)

    @property
    def signing_public(self) -> bytes:
        return crypto.signing_public_key(self.signing_private)

    @property
    def sealing_public(self) -> bytes:
        return crypto.sealing_public_key(self.sealing_private)


VP = Identity("CLAS-GLDVP", ("vp",),
              "beb0d8c107e3caca5f6a260427927882421faa93aa463c4a6ca845d35bf5da95",
              "6c7e73d9d6e57a44df22c3e7b2a4a8120f942cd68214ce6d29efd83ebc93fb5e")
VP_NIL = Identity("CLAS-GLDNL", ("vp",),
                  "c0fe6938b3084e19434d3211ea5a67ee52718e9fb943dce33fcbf6894f823b87",
                  "48ff8fdd0d04dfb66ddc3290eff7448bf7d03e6491ffc6e550d0fe5c8290516e")
COORDINATOR = Identity("CLAS-GLDCV", ("coordinator",),
                       "67ff6aba5305380b3902d9b7c061d6ddfd8d07dcfcc698a2694816105f04dfef",
                       "9db071b87d05870625cc7a0818b3a4b91f24d5cd89069af4b621c62b150c0b95")
CENTRAL = Identity("DEFENSIE-GLDCT", ("central",),
                   "00435474752c8299351040b24019fbbbdec8a088390f1abdb3b13802cd2a6832",
                   "5fe7ea8c052460d01c44f17725d07995cfe4be0a43c793fde991a5445210e2db")

SUBMISSION_VP_R1 = uuid.UUID("df74b83b-2368-412f-82b4-bd2ff645b0e3")
SUBMISSION_VP_R2 = uuid.UUID("d26f6042-38a3-4177-a5e7-54bf6d0b2a68")
SUBMISSION_VP_NIL = uuid.UUID("0b5ed836-6f90-4583-9e60-4a921ab8a8a7")
SUBMISSION_MERGED = uuid.UUID("d8804e34-6396-41b3-9f49-15932902de81")
SUBMISSION_MERGED_R2 = uuid.UUID("efab20eb-1898-4fc5-b3cb-c00b64cb7f6e")
SUBMISSION_DEFENCE = uuid.UUID("e5a5e09e-1a4e-4278-a9b5-5558a1733322")
SEAL_SEED = b"vertrouwd golden files v1: sealing"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


# The clock of the story, in order.
CARDS_MADE = utc(2026, 1, 12, 9, 0)
ENROLLED_ON = dt.date(2026, 1, 12)
ENTERED_ON = dt.date(2026, 4, 1)  # the register content was typed in by then
EXPORT_R1 = utc(2026, 4, 2, 8, 15)
LATE_CONTACT_ON = dt.date(2026, 4, 3)  # a contact of 30 March typed in late: hence revision 2
EXPORT_R2 = utc(2026, 4, 3, 10, 0)
EXPORT_NIL = utc(2026, 4, 5, 12, 0)
VP_PDF_MADE = dt.datetime(2026, 4, 3, 10, 5)  # local time, as the program passes it
IMPORTED = dt.datetime(2026, 4, 10, 14, 0)  # naive UTC, as the register stores it
FORWARDED = utc(2026, 4, 20, 9, 0)
REPORT_MADE = dt.datetime(2026, 4, 20, 9, 30)
FORWARDED_R2 = utc(2026, 4, 21, 9, 0)  # forwarded again: same figures, revision 2
CENTRAL_IMPORTED = dt.datetime(2026, 4, 22, 8, 0)
CENTRAL_FORWARDED = utc(2026, 4, 22, 9, 0)

# What CLAS-GLDVP's register holds for 2026-Q1, and so what its files must say (revision 1
# lacks the late contact: one follow-up contact, 15 minutes and one telephone contact fewer).
EXPECTED_VP_R2 = Measures(
    cases_new=7, cases_closed=4, cases_open_end=4, contacts_first=7, contacts_followup=6,
    minutes_contacts=485,
    minutes_activities={"voorlichting": 120, "intervisie": 90, "reistijd": 45,
                        "netwerkoverleg": 60},
    topics={"intimidatie": 1, "discriminatie": 1, "arbeidsconflict": 1, "werkdruk_inzet": 1,
            "pesten": 2, "kwaadspreken": 1, "seksuele_intimidatie": 1,
            "priveomstandigheden": 1},
    discrimination_grounds={"geslacht": 1},
    modes={"persoonlijk": 5, "telefoon": 5, "video": 2, "email_chat": 1},
    outcomes={"handvatten": 1, "doorverwezen": 1, "geen_actie": 1, "ondersteund_melding": 1},
    referrals={"adviseur_integriteit": 1, "bmw": 1, "mid": 1},
)
EXPECTED_VP_R1 = dataclasses.replace(
    EXPECTED_VP_R2, contacts_followup=5, minutes_contacts=470,
    modes={**EXPECTED_VP_R2.modes, "telefoon": 4},
)


class SeededRandom:
    """A reproducible stand-in for os.urandom, for the sealing only: SHAKE-256 of a seed and
    a counter. Never use it outside this tool and its test: a repeated stream repeats the
    ephemeral key and the nonce."""

    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self._counter = 0

    def __call__(self, length: int) -> bytes:
        self._counter += 1
        return hashlib.shake_256(self._seed + self._counter.to_bytes(4, "big")).digest(length)


def ids(*values: uuid.UUID) -> Callable[[], uuid.UUID]:
    """A submission-id source that gives ``values`` in order, and fails when called again."""
    remaining: Iterator[uuid.UUID] = iter(values)
    return lambda: next(remaining)


# --- registers ------------------------------------------------------------------------------
def make_register(folder: Path, who: Identity, component: str = COMPONENT) -> vault.Register:
    """A real register (cheap key derivation: it is thrown away) that belongs to ``who``.

    ``vault.create_register`` draws a code and keys; the profile row is then given the fixed
    ones, through the same ORM the program uses."""
    register, _code = vault.create_register(folder, PASSPHRASE, roles=who.roles,
                                            component=component, params=TEST_PROFILE)
    with register.session() as s:
        profile = s.get(Profile, 1)
        assert profile is not None
        profile.code = who.code
        profile.signing_private_key = who.signing_private
        profile.signing_public_key = who.signing_public
        profile.sealing_private_key = who.sealing_private
        profile.sealing_public_key = who.sealing_public
    return register


def fill_vp_register(register: vault.Register) -> None:
    """Eight cases (one from 2025-Q4), follow-ups, closings, referrals and activities."""
    s = CaseService(register, today=lambda: ENTERED_ON)
    d = dt.date
    a = s.open_case(on=d(2025, 11, 20), minutes=60, mode="persoonlijk", topics=["pesten"]).id
    assert a is not None
    s.add_contact(a, on=d(2026, 1, 14), minutes=30, mode="telefoon")
    s.close_case(a, on=d(2026, 2, 10), outcome="handvatten")
    b = s.open_case(on=d(2026, 1, 8), minutes=45, mode="persoonlijk",
                    topics=["intimidatie", "discriminatie"], grounds=["geslacht"],
                    memo="vrije tekst die nooit in een bestand komt").id
    assert b is not None
    s.add_contact(b, on=d(2026, 1, 22), minutes=30, mode="video")
    s.add_contact(b, on=d(2026, 2, 5), minutes=20, mode="telefoon")
    s.close_case(b, on=d(2026, 3, 2), outcome="doorverwezen",
                 referrals=[ReferralInput("adviseur_integriteit", d(2026, 2, 20))])
    s.open_case(on=d(2026, 1, 15), minutes=25, mode="telefoon", topics=["arbeidsconflict"])
    c = s.open_case(on=d(2026, 2, 2), minutes=60, mode="persoonlijk",
                    topics=["werkdruk_inzet"]).id
    assert c is not None
    s.add_contact(c, on=d(2026, 2, 16), minutes=15, mode="email_chat")
    e = s.open_case(on=d(2026, 2, 11), minutes=40, mode="video",
                    topics=["pesten", "kwaadspreken"]).id
    assert e is not None
    s.close_case(e, on=d(2026, 3, 20), outcome="geen_actie")
    f = s.open_case(on=d(2026, 2, 25), minutes=90, mode="persoonlijk",
                    topics=["seksuele_intimidatie"]).id
    assert f is not None
    s.add_contact(f, on=d(2026, 3, 10), minutes=60, mode="persoonlijk")
    s.close_case(f, on=d(2026, 3, 27), outcome="ondersteund_melding",
                 referrals=[ReferralInput("bmw", d(2026, 3, 12)),
                            ReferralInput("mid", d(2026, 3, 26))])
    s.open_case(on=d(2026, 3, 5), minutes=20, mode="telefoon", topics=["priveomstandigheden"])
    s.open_case(on=d(2026, 3, 18), minutes=35, mode="persoonlijk", topics=["pesten"])
    s.add_activity(on=d(2025, 12, 1), minutes=180, kind="training")
    s.add_activity(on=d(2026, 1, 20), minutes=120, kind="voorlichting")
    s.add_activity(on=d(2026, 2, 12), minutes=90, kind="intervisie")
    s.add_activity(on=d(2026, 3, 4), minutes=45, kind="reistijd")
    s.add_activity(on=d(2026, 3, 4), minutes=60, kind="netwerkoverleg")


def add_late_contact(register: vault.Register) -> None:
    s = CaseService(register, today=lambda: LATE_CONTACT_ON)
    case_id = _case_opened_on(register, dt.date(2026, 1, 15))
    s.add_contact(case_id, on=dt.date(2026, 3, 30), minutes=15, mode="telefoon")


def _case_opened_on(register: vault.Register, day: dt.date) -> int:
    with register.session() as s:
        found = s.scalars(select(Case.id).where(Case.opened_on == day)).one()
        return int(found)


# --- the story ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Built:
    files: dict[str, bytes]
    vp_register: Path  # CLAS-GLDVP's register after its exports (closed; no receipt imported)


def build(workdir: Path) -> Built:
    """Make every golden file in ``workdir`` (registers and output below it)."""
    out = workdir / "out"
    out.mkdir(parents=True)
    files: dict[str, bytes] = {}

    vp = make_register(workdir / "vp", VP)
    vp_nil = make_register(workdir / "vp-nil", VP_NIL)
    coordinator = make_register(workdir / "coordinator", COORDINATOR)
    central = make_register(workdir / "central", CENTRAL, component="DEFENSIE")
    try:
        files["card-vp.json"] = _read(exporting.write_own_card(vp, out / "card-vp.json",
                                                               now=CARDS_MADE))
        files["card-vp-nil.json"] = _read(exporting.write_own_card(
            vp_nil, out / "card-vp-nil.json", now=CARDS_MADE))
        files["card-coordinator.json"] = _read(exporting.write_own_card(
            coordinator, out / "card-coordinator.json", now=CARDS_MADE))
        files["card-central.json"] = _read(exporting.write_own_card(
            central, out / "card-central.json", now=CARDS_MADE))

        # The confidants: revision 1 before the coordinator's card is known (signed only),
        # revision 2 after a late contact, sealed to the coordinator; a nil return.
        fill_vp_register(vp)
        r1 = exporting.export_quarter(vp, QUARTER, out / "vp", today=EXPORT_R1.date(),
                                      now=EXPORT_R1, new_submission_id=ids(SUBMISSION_VP_R1),
                                      app_version=APP_VERSION)
        files["vp-quarterly-signed.json"] = _read(r1.path)
        _expect(interchange.read_file(files["vp-quarterly-signed.json"],
                                      today=EXPORT_R1.date()).measures, EXPECTED_VP_R1)
        coordinator_link.keep_recipient_card(vp, coordinator_link.check_recipient_card(
            vp, files["card-coordinator.json"]))
        add_late_contact(vp)
        r2 = exporting.export_quarter(vp, QUARTER, out / "vp", today=EXPORT_R2.date(),
                                      now=EXPORT_R2, new_submission_id=ids(SUBMISSION_VP_R2),
                                      app_version=APP_VERSION,
                                      random_bytes=SeededRandom(SEAL_SEED))
        assert r2.sealed and r2.revision == 2
        files["vp-quarterly-sealed.json"] = _read(r2.path)
        _expect(interchange.read_file(files["vp-quarterly-sealed.json"],
                                      COORDINATOR.sealing_private,
                                      today=EXPORT_R2.date()).measures, EXPECTED_VP_R2)
        files["vp-quarter.pdf"] = _read(_vp_pdf(vp, r2, out / "vp-quarter.pdf"))
        nil = exporting.export_quarter(vp_nil, QUARTER, out / "vp-nil",
                                       today=EXPORT_NIL.date(), now=EXPORT_NIL,
                                       new_submission_id=ids(SUBMISSION_VP_NIL),
                                       app_version=APP_VERSION)
        files["vp-quarterly-nil.json"] = _read(nil.path)

        # The coordinator: enrols both, imports the three files in one batch (receipts for
        # each), forwards the merged quarter and writes the year report.
        for card in ("card-vp.json", "card-vp-nil.json"):
            roster.add_card(coordinator, files[card], today=ENROLLED_ON, active_from=ENROLLED_ON)
        plan = importing.plan_import(coordinator, [r1.path, r2.path, nil.path],
                                     IMPORTED.date())
        assert not plan.refused, [i.reason for i in plan.refused]
        result = importing.apply_import(coordinator, plan, receipts_dir=out / "receipts",
                                        now=IMPORTED)
        (receipt,) = [p for p in result.receipts if "-r2-" in p.name]
        files["receipt.json"] = _read(receipt)
        merged = forwarding.forward(coordinator, QUARTER, out / "forward", now=FORWARDED,
                                    new_submission_id=ids(SUBMISSION_MERGED),
                                    app_version=APP_VERSION)
        assert not merged.sealed
        files["component-merged.json"] = _read(merged.path)
        data = report_data(coordinator, REPORT_YEAR, None, k=REPORT_K,
                           today=REPORT_MADE.date())  # 2026 in progress: Q1 has ended
        for fmt in ("csv", "pdf"):
            path = write_report_file(data, fmt, out / f"report.{fmt}", LANG, now=REPORT_MADE,
                                     app_version=APP_VERSION)
            files[f"report.{fmt}"] = _read(path)
        again = forwarding.forward(coordinator, QUARTER, out / "forward", now=FORWARDED_R2,
                                   new_submission_id=ids(SUBMISSION_MERGED_R2),
                                   app_version=APP_VERSION)
        assert (again.revision, again.supersedes) == (2, str(SUBMISSION_MERGED))
        files["component-merged-r2.json"] = _read(again.path)

        # The central compiler: enrols the coordinator, imports both revisions (the second
        # replaces the first) and forwards the Defence-wide quarter.
        roster.add_card(central, files["card-coordinator.json"], today=ENROLLED_ON,
                        active_from=ENROLLED_ON)
        plan = importing.plan_import(central, [merged.path, again.path],
                                     CENTRAL_IMPORTED.date())
        assert not plan.refused, [i.reason for i in plan.refused]
        importing.apply_import(central, plan, now=CENTRAL_IMPORTED)
        defence = forwarding.forward(central, QUARTER, out / "central", now=CENTRAL_FORWARDED,
                                     new_submission_id=ids(SUBMISSION_DEFENCE),
                                     app_version=APP_VERSION)
        files["defence-merged.json"] = _read(defence.path)
    finally:
        for register in (vp, vp_nil, coordinator, central):
            register.close()
    assert set(files) == set(FILES), sorted(set(files) ^ set(FILES))
    return Built(files, workdir / "vp")


def _vp_pdf(register: vault.Register, result: exporting.ExportResult, path: Path) -> Path:
    return write_vp_quarter_pdf(register, QUARTER, result, path, LANG, now=VP_PDF_MADE,
                                app_version=APP_VERSION)


def _expect(found: Measures, expected: Measures) -> None:
    """The register content above means exactly these figures (a changed story must say so)."""
    if found != expected:
        raise AssertionError(f"the register gave {found}, the story says {expected}")


def _read(path: Path) -> bytes:
    return Path(path).read_bytes()


def differences(files: dict[str, bytes], folder: Path = GOLDEN_DIR) -> list[str]:
    """One line per golden file that differs from ``files`` (empty: all equal)."""
    lines = []
    for name in sorted(FILES):
        path = folder / name
        if not path.exists():
            lines.append(f"{name}: not committed")
        elif path.read_bytes() != files[name]:
            lines.append(f"{name}: {describe_difference(path.read_bytes(), files[name])}")
    return lines


def describe_difference(committed: bytes, made: bytes) -> str:
    """Where two byte strings part, with a little context on each side."""
    at = next((i for i, (a, b) in enumerate(zip(committed, made, strict=False)) if a != b),
              min(len(committed), len(made)))
    lo = max(0, at - 40)
    return (f"{len(committed)} bytes committed, {len(made)} made; first difference at byte "
            f"{at}: committed {committed[lo:at + 40]!r} / made {made[lo:at + 40]!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed files; write nothing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vertrouwd-golden-") as tmp:
        built = build(Path(tmp))
    if args.check:
        lines = differences(built.files)
        print("\n".join(lines) if lines else f"all {len(FILES)} golden files are equal")
        return 1 if lines else 0
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(built.files.items()):
        (GOLDEN_DIR / name).write_bytes(data)
        print(f"{len(data):8d}  {GOLDEN_DIR.relative_to(ROOT) / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
