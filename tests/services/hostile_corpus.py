"""The hostile files of issue 13, made on the spot: quarterly files, merged files, cards,
receipts and CSV files, each with what the program must answer.

Every case is either refused (`refusal`: the start of its own sentence, in English, as the
command line prints it) or accepted (`accepted`: a line the command prints with exactly the
right counts). A refusal of `None` means only that some refusal sentence of the program must
come (random bytes, bit flips: which check fires first is not the point). See
tests/services/test_coordination_corpus.py, which runs them one by one through the command line.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app import errors
from app.export import cards, crypto, interchange, receipts
from app.export.measures import Measures
from app.export.signed import sign_envelope
from app.i18n import translator
from app.models.periods import Quarter

from .coordination_helpers import CREATED, QUARTER, TODAY, Sender, new_sender, vp_file, vp_payload

EN = translator("en")


def sentence(msgid: str | type[errors.AppError]) -> str:
    """The longest fixed part of a sentence in English (between its placeholders), without
    the consequence a batch line leaves off: what the output must hold."""
    text = msgid.default_message if isinstance(msgid, type) else msgid
    text = EN._(text)
    for consequence in errors.CONSEQUENCES:
        text = text.removesuffix(" " + EN._(consequence))
    return max(re.split(r"\{[a-z_]*\}", text), key=len)


def every_sentence() -> list[str]:
    """The start of every refusal sentence the program has (for cases of unknown cause)."""
    msgids: list[str | type[errors.AppError]] = [
        v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, errors.AppError)]
    msgids += [v for k, v in vars(errors).items() if isinstance(v, str) and k.isupper()
               and v not in errors.CONSEQUENCES]
    return [s for s in map(sentence, msgids) if len(s) >= 8]


@dataclass
class Case:
    name: str
    data: bytes | None  # None: `path` says what to give instead (a missing file, a device)
    refusal: str | None = None  # the start of the sentence, when refused
    accepted: str | None = None  # a line of the output with the right counts, when accepted
    path: str = "file"  # file | missing | folder | fifo | dev-zero | huge


M = Measures(cases_new=2, cases_closed=1, cases_open_end=1, contacts_first=2,
             contacts_followup=1, minutes_contacts=105, topics={"pesten": 2},
             outcomes={"doorverwezen": 1}, modes={"telefoon": 3})


def _signed(sender: Sender, payload: dict[str, Any], fmt: str = interchange.FILE_FORMAT) -> bytes:
    return sign_envelope(fmt, payload, sender.key.private_key)


def _edited(payload: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    copy = json.loads(json.dumps(payload))
    change(copy)
    return copy


def _flips(name: str, good: bytes, rng: random.Random, n: int) -> list[Case]:
    out = []
    for i in range(n):
        data = bytearray(good)
        pos = rng.randrange(len(data))
        data[pos] ^= 1 << rng.randrange(8)
        out.append(Case(f"{name}-flip{i}", bytes(data)))
    return out


def _cuts(name: str, good: bytes, n: int) -> list[Case]:
    return [Case(f"{name}-cut{i}", good[: len(good) * i // (n + 1)]) for i in range(1, n + 1)]


# --- quarterly files ------------------------------------------------------------------------
@dataclass
class Coordination:
    """The senders of the coordinator register the quarterly cases go to, and what it holds:
    A's revisions 1 and 2 and B's revision 1 of QUARTER, and C's nil return of the quarter
    before (the test imports `baseline`)."""

    a: Sender
    b: Sender
    c: Sender
    d: Sender
    acvp: Sender
    stranger: Sender
    baseline: list[bytes]
    a1: str
    a2: str
    b1: str

    @staticmethod
    def make() -> Coordination:
        a, b, c, d = (new_sender(f"CLAS-{x * 5}") for x in "ABCD")
        acvp = new_sender("CLAS-ACVP1", role="coordinator")
        a1, a2, b1 = (str(uuid.uuid4()) for _ in range(3))
        baseline = [vp_file(a, M, submission_id=a1),
                    vp_file(a, M, revision=2, submission_id=a2, supersedes=a1),
                    vp_file(b, M, submission_id=b1),
                    vp_file(c, Measures(), quarter=str(Quarter.parse(QUARTER).previous()))]
        return Coordination(a, b, c, d, acvp, new_sender("CLAS-ZZZZZ"), baseline, a1, a2, b1)


def _merged(co: Coordination, files: list[bytes], change: Callable[[dict[str, Any]], None]
            ) -> bytes:
    inputs = [interchange.read_file(f, today=TODAY) for f in files]
    payload = interchange.build_merged_payload(
        inputs, level="component",
        sender=interchange.Sender(co.acvp.code, co.acvp.component, co.acvp.fingerprint),
        expected=(), submission_id=str(uuid.uuid4()), revision=1, supersedes=None,
        created_at=CREATED, app_version="0.1.0")
    change(payload)
    return _signed(co.acvp, payload)


def _both(payload: dict[str, Any], code: str, field: str, value: str) -> None:
    """Edit the entry of ``code`` in sources and merged_from alike (they must agree), and the
    reporting overview with them, so that only what is tested is wrong."""
    for ref in payload["sources"] + payload["merged_from"]:
        if ref["sender_code"] == code:
            ref[field] = value
    codes = [ref["sender_code"] for ref in payload["sources"]]
    nil = [c for c in payload["reporting"]["nil"] if c in codes]
    payload["reporting"] = interchange.Reporting.of(codes, codes, nil).to_dict()


def quarterly_cases(co: Coordination, rng: random.Random) -> list[Case]:
    c, d = co.c, co.d
    good = vp_payload(c, M)
    out: list[Case] = []

    # Item 2: identifiers, codes and periods matched whole.
    whole = {
        "period": lambda p: p["period"].update(quarter=QUARTER + "\n"),
        "period-cr": lambda p: p["period"].update(quarter=QUARTER + "\r"),
        "period-arabic": lambda p: p["period"].update(quarter="٢٠٢٦-Q3"),
        "interval": lambda p: p["period"].update(interval=p["period"]["interval"] + "\n"),
        "code": lambda p: p["sender"].update(code=c.code + "\n"),
        "component": lambda p: p["sender"].update(component="CLAS\n"),
        "fingerprint": lambda p: p["sender"].update(fingerprint=c.fingerprint + "\n"),
        "submission-id": lambda p: p.update(submission_id=p["submission_id"] + "\n"),
        "created-at": lambda p: p.update(created_at=p["created_at"] + "\n"),
        "app-version": lambda p: p.update(app_version="0.1.0\n"),
        "codelist": lambda p: p["codelist"].update(version="2026.1\n"),
        "code-key": lambda p: p["measures"]["topics"].update({"pesten\n": 0}),
        "level": lambda p: p.update(level="vp\n"),
    }
    for name, change in whole.items():
        out.append(Case(f"whole-{name}", _signed(c, _edited(good, change))))

    # Item 4: impossible figures, each bound with its own sentence; missing codes.
    bounds: dict[str, tuple[dict[str, Any], str]] = {
        "minutes-high": ({"minutes_contacts": 1441 * 3}, errors.BOUND_MINUTES_PER_CONTACT),
        "minutes-low": ({"minutes_contacts": 2}, errors.BOUND_MINUTES_PER_CONTACT),
        "first-contacts": ({"contacts_first": 1, "contacts_followup": 2},
                           errors.BOUND_FIRST_CONTACTS),
        "vanished-cases": ({"cases_closed": 0, "cases_open_end": 0, "outcomes": {}},
                           errors.BOUND_NEW_CASES),
        "modes": ({"modes": {"telefoon": 1}}, errors.BOUND_MODES),
        "outcomes": ({"outcomes": {"doorverwezen": 1, "handvatten": 1}}, errors.BOUND_OUTCOMES),
        "topic": ({"topics": {"pesten": 3}}, errors.BOUND_TOPIC),
        "ground": ({"topics": {"pesten": 2, "discriminatie": 1},
                    "discrimination_grounds": {"leeftijd": 2}}, errors.BOUND_GROUND),
    }
    for name, (changes, msgid) in bounds.items():
        def change(p: dict[str, Any], changes: dict[str, Any] = changes) -> None:
            for field, value in changes.items():
                if isinstance(value, dict):
                    for code in p["measures"][field]:
                        p["measures"][field][code] = value.get(code, 0)
                else:
                    p["measures"][field] = value
        out.append(Case(f"bound-{name}", _signed(c, _edited(good, change)), sentence(msgid)))
    # Issue 20, item 8: figures no register can hold, each refused with its own sentence. The
    # quarter that has not begun is the one after today's (the command line reads the clock).
    future = Quarter.of(dt.date.today()).next()
    out += [
        Case("plausible-quarter-not-begun",
             _signed(c, vp_payload(c, M, quarter=str(future))),
             sentence(errors.BOUND_QUARTER_NOT_BEGUN)),
        Case("plausible-activity-minutes", _signed(c, _edited(good, lambda p: p["measures"][
            "minutes_activities"].update(voorlichting=10**8))),
             sentence(errors.BOUND_ACTIVITY_MINUTES)),
        Case("plausible-stock-flow", _signed(c, _edited(good, lambda p: p["measures"].update(
            cases_closed=5000, cases_new=2, cases_open_end=1))),
             sentence(errors.BOUND_STOCK_FLOW)),
    ]
    for field in ("topics", "modes", "outcomes", "minutes_activities", "referrals",
                  "discrimination_grounds"):
        def drop(p: dict[str, Any], field: str = field) -> None:
            del p["measures"][field][sorted(p["measures"][field])[0]]
        out.append(Case(f"missing-code-{field}", _signed(c, _edited(good, drop)),
                        sentence(errors.MissingCode)))

    # Item 4: the revision chain (A has revisions 1 and 2 here).
    def revision(n: int, supersedes: str | None, sid: str | None = None,
                 sender: Sender = co.a) -> bytes:
        payload = vp_payload(sender, M, revision=n, submission_id=sid or str(uuid.uuid4()))
        payload["supersedes"] = supersedes
        return _signed(sender, payload)

    sid = str(uuid.uuid4())
    out += [
        Case("chain-self", revision(3, sid, sid), sentence(errors.REVISION_NAMES_ITSELF)),
        Case("chain-skip", revision(3, co.a1), sentence(errors.REVISION_NOT_PREVIOUS)),
        Case("chain-ghost", revision(2, str(uuid.uuid4())), sentence(errors.SubmissionConflict)),
        Case("chain-ghost-3", revision(3, str(uuid.uuid4())),
             sentence(errors.REVISION_NOT_PREVIOUS)),
        Case("chain-other", revision(2, co.b1, sender=d), sentence(errors.REVISION_NAMES_OTHER)),
        Case("chain-reused-id", revision(3, co.a2, co.a1), sentence(errors.SubmissionIdReused)),
        Case("chain-impostor-1", revision(1, None), sentence(errors.SubmissionConflict)),
        Case("chain-rev1-supersedes", revision(1, co.a2),
             sentence(errors.RevisionInconsistent)),
        Case("chain-rev2-none", revision(2, None), sentence(errors.RevisionInconsistent)),
    ]

    # Items 3 and 5: merged files (the ACVP's), every VP report counted once.
    fa, fc = co.baseline[1], vp_file(c, M)
    sha_a = interchange.read_file(fa, today=TODAY).sha256
    out += [
        Case("merged-lower-code", _merged(co, [fc], lambda p: _both(
            p, c.code, "sender_code", c.code.lower())), sentence(errors.SourceNotOnRoster)),
        Case("merged-not-enrolled", _merged(co, [vp_file(co.stranger, M)], lambda p: None),
             sentence(errors.SourceNotOnRoster)),
        Case("merged-sha-of-another", _merged(co, [fc], lambda p: _both(
            p, c.code, "sha256", sha_a)), sentence(errors.SourceAlreadyCountedOtherwise)),
        Case("merged-id-of-another", _merged(co, [fc], lambda p: _both(
            p, c.code, "submission_id", co.a1)),
            sentence(errors.SourceAlreadyCountedOtherwise)),
        Case("merged-empty-sources", _merged(co, [fc], lambda p: p.update(
            sources=[], reporting={"expected": [], "received": [], "nil": [], "missing": []})),
            sentence(errors.LEVEL_RULE_NO_SOURCES)),
        Case("merged-twice", _merged(co, [fc, vp_file(d, M)], lambda p: p["sources"][1].update(
            sha256=p["sources"][0]["sha256"])), sentence(errors.LEVEL_RULE_SOURCE_TWICE)),
        Case("merged-case-twice", _merged(co, [fc, vp_file(d, M)], lambda p: p["sources"][1]
                                          .update(sender_code=c.code.lower())),
             sentence(errors.LEVEL_RULE_SOURCE_TWICE)),
        Case("merged-by-a-vp", _signed(d, _edited(interchange.read_file(
            _merged(co, [fc], lambda p: None), today=TODAY).payload,
            lambda p: p["sender"].update(code=d.code, fingerprint=d.fingerprint))),
            sentence(errors.SenderNotCoordinator)),
    ]

    # Accepted, with exactly the right counts (the register changes; the test follows it).
    out += [
        Case("ok-new", vp_file(c, M), accepted="Imported 1 new and 0 replacing files"),
        Case("ok-nil", vp_file(d, Measures()), accepted="Imported 1 new and 0 replacing files"),
        Case("ok-revision-3", revision(3, co.a2), accepted="Imported 0 new and 1 replacing"),
        Case("ok-again", co.baseline[2], accepted="Imported 0 new and 0 replacing files; 1 were "
                                                  "already in"),
    ]

    # Files that are no files, or far too big (item 7).
    out += [Case("path-missing", None, sentence(errors.PathNotFound), path="missing"),
            Case("path-huge", None, sentence(errors.FileTooLarge), path="huge")]
    if not _windows():
        out += [Case("path-dev-zero", None, sentence(errors.PathNotRegularFile), path="dev-zero"),
                Case("path-fifo", None, sentence(errors.PathNotRegularFile), path="fifo")]

    good_file = vp_file(c, M)
    out += _flips("quarterly", good_file, rng, 20) + _cuts("quarterly", good_file, 8)
    return out


def _windows() -> bool:
    import sys

    return sys.platform == "win32"


# --- enrolment cards (roster-add at the coordinator) -----------------------------------------
def card_cases(co: Coordination, own_card: bytes, rng: random.Random) -> list[Case]:
    e = new_sender("CLAS-EEEEE")
    good = json.loads(e.card())["payload"]

    def card(change: Callable[[dict[str, Any]], None], who: Sender = e) -> bytes:
        return _signed(who, _edited(good, change), cards.FILE_FORMAT)

    out = [
        Case("card-code-newline", card(lambda p: p.update(code=e.code + "\n"))),
        Case("card-component-newline", card(lambda p: p.update(component="CLAS\n"))),
        Case("card-created-newline", card(lambda p: p.update(created_at=good["created_at"] +
                                                             "\n"))),
        Case("card-other-component", new_sender("CZSK-EEEEE", "CZSK").card(),
             sentence(errors.CARD_OTHER_COMPONENT)),
        Case("card-unknown-component", card(lambda p: p.update(component="NAVO")),
             sentence(errors.UnknownComponent)),
        Case("card-central-elsewhere", card(lambda p: p.update(role="central")),
             sentence(errors.UnknownComponent)),
        Case("card-own", own_card, sentence(errors.CARD_IS_OWN)),
        Case("card-code-taken", new_sender(co.a.code).card(), sentence(errors.CARD_CODE_TAKEN)),
        Case("card-code-taken-case", new_sender(co.a.code.lower()).card(),
             sentence(errors.CARD_CODE_TAKEN)),
        Case("card-key-taken", Sender("CLAS-FFFFF", "CLAS", co.a.key).card(),
             sentence(errors.CARD_KEY_TAKEN)),
        Case("card-fingerprint", card(lambda p: p.update(fingerprint="0" * 64)),
             sentence(errors.SignerMismatch)),
        Case("card-other-key", card(lambda p: None, who=co.b), sentence(errors.SignerMismatch)),
        Case("card-role", card(lambda p: p.update(role="admin"))),
        Case("card-is-a-quarterly-file", co.baseline[0], sentence(errors.UnknownFormat)),
        Case("card-empty", b"", sentence(errors.EmptyFile)),
        Case("card-missing", None, sentence(errors.PathNotFound), path="missing"),
        Case("card-folder", None, sentence(errors.PathIsFolder), path="folder"),
        Case("card-ok", e.card(), accepted="CLAS-EEEEE (CLAS, vp) is on the roster"),
    ]
    good_card = new_sender("CLAS-GGGGG").card()
    return out + _flips("card", good_card, rng, 12) + _cuts("card", good_card, 5)


# --- receipts (receipt-import at the confidant) -------------------------------------------
def receipt_cases(exported: bytes, coordinator: Sender, rng: random.Random) -> list[Case]:
    """``exported``: the confidant's signed quarterly file (its export record is in the
    confidant's register); ``coordinator``: whose card the confidant imported."""
    received = interchange.read_file(exported, today=TODAY)

    def receipt(change: Callable[[dict[str, Any]], None] = lambda p: None,
                who: Sender = coordinator) -> bytes:
        data = receipts.write_receipt(received, receiver_code=coordinator.code,
                                      received_at=CREATED, signing_private_key=who.key.private_key)
        payload = _edited(json.loads(data)["payload"], change)
        return _signed(who, payload, receipts.FILE_FORMAT)

    stranger = new_sender("CLAS-XXXXX", role="coordinator")
    out = [
        Case("receipt-period-newline", receipt(lambda p: p.update(period=p["period"] + "\n"))),
        Case("receipt-code-newline", receipt(lambda p: p.update(sender_code=received.sender.code
                                                                + "\n"))),
        Case("receipt-sha-newline", receipt(lambda p: p.update(sha256=p["sha256"] + "\n"))),
        Case("receipt-unknown-file", receipt(lambda p: p.update(sha256="0" * 64)),
             sentence(errors.ReceiptContradicts)),
        Case("receipt-unknown-revision", receipt(lambda p: p.update(revision=2)),
             sentence(errors.ReceiptContradicts)),
        Case("receipt-unknown-id", receipt(lambda p: p.update(submission_id=str(uuid.uuid4()))),
             sentence(errors.ReceiptContradicts)),
        Case("receipt-other-sender", receipt(lambda p: p.update(sender_code="CLAS-ANDER")),
             sentence(errors.ReceiptOtherSender)),
        Case("receipt-other-signer", receipt(who=stranger), sentence(errors.UnexpectedSigner)),
        Case("receipt-receiver-fingerprint", receipt(lambda p: p.update(
            receiver_fingerprint="1" * 64)), sentence(errors.SignerMismatch)),
        Case("receipt-is-a-card", coordinator.card(), sentence(errors.UnknownFormat)),
        Case("receipt-is-a-quarterly-file", exported, sentence(errors.UnknownFormat)),
        Case("receipt-empty", b"", sentence(errors.EmptyFile)),
        Case("receipt-missing", None, sentence(errors.PathNotFound), path="missing"),
        Case("receipt-folder", None, sentence(errors.PathIsFolder), path="folder"),
    ]
    good = receipt()
    out += _flips("receipt", good, rng, 12) + _cuts("receipt", good, 5)
    # Issue 20, item 7: the receipt of a file this register has no record of (a backup
    # restored after the export) teaches it what was sent.
    sent_elsewhere = receipt(lambda p: p.update(submission_id=str(uuid.uuid4()), sha256="ab" * 32))
    return out + [Case("receipt-ok", good, accepted="revision 1 was received"),
                  Case("receipt-learned", sent_elsewhere,
                       accepted="This register had no record of that file")]


# --- CSV files (import-csv at the confidant) -----------------------------------------------
COLUMNS = ["type", "casus", "datum", "minuten", "wijze", "onderwerpen", "gronden",
           "afgesloten_op", "uitkomst", "activiteit", "memo"]


def _row(**cells: str) -> list[str]:
    base = {"type": "contact", "casus": "A", "datum": "2025-02-03", "minuten": "60",
            "wijze": "telefoon", "onderwerpen": "pesten"}
    base.update(cells)
    return [base.get(c, "") for c in COLUMNS]


def _csv(rows: list[list[str]], sep: str = ";", end: str = "\n", header: list[str] | None = None,
         bom: bool = False, declared: str = "") -> bytes:
    def cell(text: str) -> str:
        if any(ch in text for ch in (sep, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = ([declared] if declared else []) + [sep.join(header or COLUMNS)] + [
        sep.join(cell(c) for c in row) for row in rows]
    return (("\ufeff" if bom else "") + end.join(lines) + end).encode("utf-8")


def _imported(cases: int, contacts: int, activities: int) -> str:
    return (f"Imported {cases} cases, {contacts} contact moments and {activities} "
            "activities.")


def csv_cases() -> list[Case]:
    out: list[Case] = []
    # Accepted, exactly counted: every dialect the program declares, each file different.
    accepted = [
        ("semicolon", {}),
        ("comma", {"sep": ","}),
        ("declared-semicolon", {"declared": "sep=;"}),
        ("declared-comma", {"sep": ",", "declared": "sep=,"}),
        ("crlf-bom", {"end": "\r\n", "bom": True}),
        ("cr-only", {"end": "\r"}),
        ("upper-header", {"header": [c.upper() for c in COLUMNS]}),
        ("reordered", {"header": list(reversed(COLUMNS))}),
    ]
    for i, (name, options) in enumerate(accepted):
        day = f"2025-01-{10 + i:02d}"
        rows = [_row(casus=f"{name}-1", datum=day, memo='Hij zei "nee"; en toen?'),
                _row(casus=f"{name}-1", datum=day, minuten="30", onderwerpen=""),
                _row(casus=f"{name}-2", datum=day, minuten="15", wijze="video",
                     afgesloten_op=day, uitkomst="doorverwezen", memo="regel 1\nregel 2"),
                ["activiteit", "", day, "45", "", "", "", "", "", "training", ""]]
        if options.get("header"):
            order = [COLUMNS.index(h.lower()) for h in options["header"]]  # type: ignore[union-attr]
            rows = [[r[j] for j in order] for r in rows]
        out.append(Case(f"csv-ok-{name}", _csv(rows, **options),  # type: ignore[arg-type]
                        accepted=_imported(2, 3, 1)))
    out.append(Case("csv-ok-excel-quotes", _csv([_row(casus="Q", datum="2025-03-01",
                                                      memo='"Hij zei ""nee"" tegen mij"')]),
                    accepted=_imported(1, 1, 0)))
    out.append(Case("csv-ok-header-only", _csv([]), accepted=_imported(0, 0, 0)))
    labels = [_row(casus="L", datum="2025-06-02", wijze="Telefoon",
                   onderwerpen="Pesten/treiteren|Stalking"),
              _row(casus="L", datum="2025-06-09", wijze="Phone", onderwerpen=""),
              ["Activity", "", "2025-06-10", "20", "", "", "", "", "", "Training", ""]]
    out.append(Case("csv-ok-labels", _csv(labels), accepted=_imported(1, 2, 1)))
    out.append(Case("csv-ok-empty-rows", _csv([_row(casus="E1", datum="2025-07-01"), [""] * 11,
                                               [], _row(casus="E2", datum="2025-07-02")]),
                    accepted=_imported(2, 2, 0)))
    out.append(Case("csv-ok-closed-later", _csv([
        _row(casus="K", datum="2025-08-01"),
        _row(casus="K", datum="2025-08-15", afgesloten_op="2025-09-01", uitkomst="handvatten"),
        _row(casus="K", datum="2025-08-20", afgesloten_op="2025-09-01",
             uitkomst="handvatten")]), accepted=_imported(1, 3, 0)))
    out.append(Case("csv-ok-same-memo-twice", _csv([
        _row(casus="S", datum="2025-08-02", memo="een en dezelfde"),
        _row(casus="S", datum="2025-08-03", memo="een en dezelfde")]),
        accepted=_imported(1, 2, 0)))
    # The same registrations again, saved otherwise: refused (counted twice otherwise).
    first_rows = [_row(casus="semicolon-1", datum="2025-01-10", memo='Hij zei "nee"; en toen?'),
                  _row(casus="semicolon-1", datum="2025-01-10", minuten="30", onderwerpen=""),
                  _row(casus="semicolon-2", datum="2025-01-10", minuten="15", wijze="video",
                       afgesloten_op="2025-01-10", uitkomst="doorverwezen",
                       memo="regel 1\nregel 2"),
                  ["activiteit", "", "2025-01-10", "45", "", "", "", "", "", "training", ""]]
    again = "The registrations in this file were imported before"
    for name, options in (("same", {}), ("crlf", {"end": "\r\n"}), ("comma", {"sep": ","}),
                          ("bom", {"bom": True}), ("declared", {"declared": "sep=;"})):
        out.append(Case(f"csv-again-{name}", _csv(first_rows, **options),  # type: ignore[arg-type]
                        again))

    def refused(name: str, rows: list[list[str]], expect: str) -> None:
        out.append(Case(f"csv-{name}", _csv([_row(casus=f"ok-{name}", datum="2025-04-01"),
                                             *rows]), expect))

    cell = "Row 3, column “{}”"
    for value in ("0", "1441", "-5", "1.5", "60 min", "1e2", "٣٠", "1_0", "+30", "0x10", "",
                  " ", "６０", "9" * 30):
        refused(f"minutes-{value.encode().hex()[:12] or 'empty'}", [_row(minuten=value)],
                cell.format("minuten"))
    for value in ("2026-02-30", "31-04-2026", "2099-01-01", "1999-12-31", "2026/02/03",
                  "٢٠٢٦-٠٢-٠٣", "3 februari", "", "2026-2-3x"):
        refused(f"date-{value.encode().hex()[:12] or 'empty'}", [_row(datum=value)],
                cell.format("datum"))
    refused("mode", [_row(wijze="postduif")], cell.format("wijze"))
    refused("topic", [_row(onderwerpen="vechten")], cell.format("onderwerpen"))
    refused("ground-without-discrimination", [_row(casus="G", gronden="leeftijd")],
            cell.format("gronden"))
    refused("type", [_row(type="feest")], cell.format("type"))
    refused("no-case", [_row(casus="")], cell.format("casus"))
    refused("outcome-unknown", [_row(afgesloten_op="2025-02-04", uitkomst="weg")],
            cell.format("uitkomst"))
    refused("outcome-without-date", [_row(uitkomst="doorverwezen")], cell.format("uitkomst"))
    refused("closed-before-contact", [_row(casus="E", datum="2025-02-05"),
                                      _row(casus="E", datum="2025-02-06",
                                           afgesloten_op="2025-02-05", uitkomst="handvatten")],
            "Row 3, column “afgesloten_op”")
    refused("memo-too-long", [_row(memo="x" * 2001)], cell.format("memo"))
    for column in COLUMNS:
        refused(f"nul-{column}", [_row(**{column: "a\x00b"})], cell.format(column))
    for value in ("kontakt", "1", "=contact", "contact;"):
        refused(f"type-{value.encode().hex()}", [_row(type=value)], cell.format("type"))
    for value in ("telefonisch", "", "telefoon\u200b", "telefoon|video"):
        refused(f"mode-{value.encode().hex() or 'empty'}", [_row(wijze=value)],
                cell.format("wijze"))
    for value in ("pesten|vechten", "|", "Pesten!"):
        refused(f"topic-{value.encode().hex()}", [_row(casus="T", onderwerpen=value)],
                cell.format("onderwerpen"))
    refused("ground-unknown", [_row(casus="U", onderwerpen="discriminatie", gronden="ras|maan")],
            cell.format("gronden"))
    for value in ("2025-13-01", "gisteren", "2099-01-01"):
        refused(f"closing-{value}", [_row(afgesloten_op=value, uitkomst="handvatten")],
                cell.format("afgesloten_op"))
    refused("second-memo", [_row(casus="M", memo="een"), _row(casus="M", memo="twee")],
            "Row 4, column “memo”")
    refused("two-closings", [_row(casus="C", afgesloten_op="2025-03-01", uitkomst="handvatten"),
                             _row(casus="C", afgesloten_op="2025-03-02",
                                  uitkomst="handvatten")],
            "Row 4, column “afgesloten_op”")
    refused("activity-with-topic", [["activiteit", "", "2025-02-04", "30", "", "pesten", "", "",
                                     "", "training", ""]], cell.format("onderwerpen"))
    refused("contact-with-activity", [_row(activiteit="training")], cell.format("activiteit"))
    refused("activity-unknown", [["activiteit", "", "2025-02-04", "30", "", "", "", "", "",
                                  "dansen", ""]], cell.format("activiteit"))

    def raw(name: str, data: bytes, expect: str) -> None:
        out.append(Case(f"csv-{name}", data, expect))

    header = ";".join(COLUMNS)
    line = ";".join(_row(casus="R", datum="2025-05-01"))
    raw("duplicate-header", (header + ";memo\n" + line + ";\n").encode(),
        "The header row names the column “memo” twice")
    raw("duplicate-header-case", (header + ";MEMO\n" + line + ";\n").encode(),
        "The header row names the column “memo” twice")
    raw("unknown-column", (header + ";naam\n" + line + ";x\n").encode(), "Unknown column(s) naam")
    raw("unnamed-column", (header + ";\n" + line + ";x\n").encode(),
        "Column 12 of the header row has no name")
    raw("too-many-cells", (header + "\n" + line + ";x\n").encode(), "Row 2 has 12 cells")
    raw("too-few-cells", (header + "\ncontact;R;2025-05-01;60\n").encode(), "Row 2 has 4 cells")
    raw("unclosed-quote", (header + "\n" + line[:-1] + '"open\n' + line + "\n").encode(),
        "Row 2 cannot be read")
    raw("text-after-quote", (header + "\n" + line + '"x"y\n').encode(), "Row 2 cannot be read")
    raw("giant-cell", (header + "\n" + line + "x" * 140_000 + "\n").encode(),
        "Row 2 holds a cell longer than 131072 characters")
    raw("no-header", (line + "\n").encode(), "The header row lacks the column(s)")
    raw("header-lacks-minutes", b"type;datum\ncontact;2025-01-01\n",
        "The header row lacks the column(s) minuten")
    raw("empty", b"", "The header row lacks the column(s)")
    raw("latin-1", (header + "\n" + line + "café\n").encode("latin-1"), "The file is not UTF-8")
    raw("utf-16", (header + "\n" + line + "\n").encode("utf-16"), "The file is not UTF-8")
    raw("binary", bytes(range(256)) * 4, "The file is not UTF-8")
    raw("tab-separated", (header.replace(";", "\t") + "\n" + line.replace(";", "\t") +
                          "\n").encode(), "The header row lacks the column(s)")
    raw("declared-tab-wrong", ("sep=\t\n" + header + "\n" + line + "\n").encode(),
        "The header row lacks the column(s)")
    out += [Case("csv-missing", None, sentence(errors.PathNotFound), path="missing"),
            Case("csv-folder", None, sentence(errors.PathIsFolder), path="folder"),
            Case("csv-huge", None, "The file is larger than 20 MB", path="huge")]
    if not _windows():
        out += [Case("csv-dev-zero", None, sentence(errors.PathNotRegularFile), path="dev-zero"),
                Case("csv-fifo", None, sentence(errors.PathNotRegularFile), path="fifo")]
    return out


def recipient_card_of(sender: Sender) -> bytes:
    """A coordinator's card as the confidant imports it."""
    return cards.write_card(code=sender.code, component=sender.component, role="coordinator",
                            signing_private_key=sender.key.private_key,
                            sealing_public_key=crypto.new_sealing_key().public_key,
                            created_at=CREATED)
