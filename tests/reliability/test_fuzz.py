"""Fuzzing the quarterly-file reader: whatever lands on a coordinator's USB stick is refused with
a sentence (an AppError) or accepted as a file our key really signed, never a crash. (Never slow
either: how long the slowest of these cases takes is timed by `make bench`, "fuzz: slowest ...";
the summary line below only reports it.)

Generated cases are structured mutations of one valid signed file (and of its sealed form):
- JSON-level edits of the envelope or the payload — a key changed, removed or added; values
  replaced by other types, huge / negative / fractional / non-finite numbers, unicode, deep
  nesting — then written (a) with the now stale signature, (b) re-signed by the sender's key so
  the edit reaches the schema and meaning checks, (c) re-signed by another key, (d) re-signed
  and sealed to the coordinator, or (e) re-serialised non-canonically;
- byte-level damage: flipped and overwritten bytes, inserted and deleted runs, truncations,
  splices of two files, re-encodings.

Accepting is fine only for an edit re-signed by the sender's own key (an edit of a free field
such as app_version is a valid file); any other accepted file would be a forgery that got in.
When the coordinator's import planning (`app.services.coordination.importing.plan_import`)
exists, a sample of the cases also goes through it against a coordinator register, which must
stay byte-identical.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from app.errors import AppError, InvalidImportFile
from app.export import crypto, interchange
from app.export.signed import SIGNATURE_ALG
from tests.conftest import PASSPHRASE, TODAY, snapshot
from tests.export.factories import vp_payload
from tests.reliability import _harness as h

pytestmark = pytest.mark.reliability

CASES = 10_000
BITFLIPS = 10_000

# --- building mutated files -------------------------------------------------------------------


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path / list index inside a JSON value (the root excluded)."""
    out: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append((*prefix, k))
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.append((*prefix, i))
            out += _paths(v, (*prefix, i))
    return out


def _nested(depth: int, leaf: Any = 0) -> Any:
    value: Any = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 2**31, 2**53 - 1, 2**53, -(2**53), 2**63, 10**30, -(10**30),
    10**400, 1.5, -0.0, 1e308, float("nan"), float("inf"), float("-inf"), "", " ", "0",
    "2025-Q3", "2025-Q5", "1999-Q1", "9999-Q4", "vp", "component", "defence", "DEFENSIE",
    "é", "\u202e", "\ufeff", "\x00", "\U0001f600", "a" * 10_000, "A" * 300_000, [], {}, [1, 2],
    {"x": 1}, [None], _nested(19), _nested(21), _nested(200), _nested(400),
]
JSON_VALUES = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(-3, 3), max_size=2),
)


def _dump(value: Any, canonical: bool = True) -> bytes:
    """Like canonical JSON, but lets floats and non-finite numbers through (attackers can)."""
    if canonical:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=True).encode("utf-8", "surrogatepass")
    return json.dumps(value, indent=1, allow_nan=True).encode("utf-8", "surrogatepass")


def _signed(payload: Any, key: crypto.KeyPair) -> bytes:
    """A correctly signed envelope around any payload (the writer's own checks bypassed)."""
    signature = crypto.sign(key.private_key, _dump(payload))
    return _dump({
        "format": interchange.FILE_FORMAT, "format_version": 1, "payload": payload,
        "signature": {"alg": SIGNATURE_ALG, "public_key": crypto.b64encode(key.public_key),
                      "fingerprint": crypto.fingerprint_hex(key.public_key),
                      "value": crypto.b64encode(signature)},
    })


def _sealed(signed: bytes, recipient: crypto.KeyPair) -> bytes:
    sealed = crypto.seal(recipient.public_key, signed)
    return _dump({
        "format": crypto.SEALED_FORMAT, "format_version": 1,
        "recipient_fingerprint": sealed.recipient_fingerprint,
        "ephemeral_public_key": crypto.b64encode(sealed.ephemeral_public_key),
        "nonce": crypto.b64encode(sealed.nonce), "ciphertext": crypto.b64encode(sealed.ciphertext),
    })


def _edit(doc: Any, op: str, path: tuple[Any, ...], value: Any, new_key: str) -> Any:
    doc = copy.deepcopy(doc)
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if op == "replace":
        parent[last] = value
    elif op == "delete":
        if isinstance(parent, list):
            parent.pop(last)
        else:
            del parent[last]
    elif op == "add":
        target = parent[last]
        if isinstance(target, dict):
            target[new_key] = value
        elif isinstance(target, list):
            target.append(value)
        else:
            parent[last] = {new_key: value, "v": target}
    return doc


class Corpus:
    def __init__(self) -> None:
        self.key = crypto.new_signing_key()
        self.other = crypto.new_signing_key()
        self.coordinator = crypto.new_sealing_key()
        self.payload = vp_payload(self.key)
        self.plain = interchange.write_file(self.payload, self.key.private_key)
        self.sealed = interchange.write_file(self.payload, self.key.private_key,
                                             self.coordinator.public_key)
        self.sha256 = interchange.read_file(self.plain, today=TODAY).sha256
        self.document = json.loads(self.plain)
        self.sealed_document = json.loads(self.sealed)
        self.payload_paths = _paths(self.payload)
        self.document_paths = _paths(self.document)
        self.sealed_paths = _paths(self.sealed_document)


@st.composite
def mutated_files(draw: st.DrawFn, corpus: Corpus) -> tuple[str, bytes]:
    """(kind, bytes): kind says how the file was written; see the module docstring."""
    family = draw(st.sampled_from(["payload", "payload", "payload", "envelope", "sealed-envelope",
                                   "bytes", "bytes"]))
    op = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
    value = draw(JSON_VALUES)
    new_key = draw(st.sampled_from(["extra", "", "cases_new", "payload", "é", "\x00", "a" * 100]))
    if family == "payload":
        path = draw(st.sampled_from(corpus.payload_paths))
        payload = _edit(corpus.payload, op, path, value, new_key)
        how = draw(st.sampled_from(["own", "own", "sealed", "other", "stale", "loose"]))
        if how == "own":
            return "own", _signed(payload, corpus.key)
        if how == "sealed":
            return "own", _sealed(_signed(payload, corpus.key), corpus.coordinator)
        if how == "other":
            return "other", _signed(payload, corpus.other)
        document = dict(corpus.document, payload=payload)
        return "forged", _dump(document, canonical=how == "stale")
    if family == "envelope":
        path = draw(st.sampled_from(corpus.document_paths))
        return "forged", _dump(_edit(corpus.document, op, path, value, new_key))
    if family == "sealed-envelope":
        path = draw(st.sampled_from(corpus.sealed_paths))
        return "forged", _dump(_edit(corpus.sealed_document, op, path, value, new_key))
    base = draw(st.sampled_from([corpus.plain, corpus.sealed]))
    other = corpus.sealed if base is corpus.plain else corpus.plain
    n = len(base)
    pos = draw(st.integers(0, n - 1))
    span = draw(st.integers(1, 64))
    junk = draw(st.binary(min_size=1, max_size=16))
    damage = draw(st.sampled_from(["xor", "overwrite", "insert", "delete", "truncate", "splice",
                                   "double", "utf16", "bom", "trail"]))
    if damage == "xor":
        data = bytearray(base)
        for i, b in enumerate(junk):
            data[(pos + i * 37) % n] ^= b or 0x80
        out = bytes(data)
    elif damage == "overwrite":
        out = base[:pos] + junk + base[pos + len(junk):]
    elif damage == "insert":
        out = base[:pos] + junk + base[pos:]
    elif damage == "delete":
        out = base[:pos] + base[pos + span:]
    elif damage == "truncate":
        out = base[:pos]
    elif damage == "splice":
        out = base[:pos] + other[draw(st.integers(0, len(other) - 1)):]
    elif damage == "double":
        out = base + base
    elif damage == "utf16":
        out = base.decode("utf-8").encode("utf-16")
    elif damage == "bom":
        out = b"\xef\xbb\xbf" + base
    else:
        out = base + draw(st.sampled_from([b" ", b"\n", b"\x00", b"{}", junk]))
    return "forged", out


# --- the coordinator side, when it exists -----------------------------------------------------
def _plan_import_or_none() -> Any:
    if importlib.util.find_spec("app.services.coordination.importing") is None:
        return None
    from app.services.coordination import importing

    return getattr(importing, "plan_import", None)


# --- the tests ----------------------------------------------------------------------------------
def test_fuzzed_quarterly_files_are_refused_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = Corpus()
    cases = h.scaled(CASES)
    plan_import = _plan_import_or_none()
    coordinator_dir = tmp_path / "coordinator"
    coordinator = None
    if plan_import is not None:
        from app.services.storage import vault

        reg, _ = vault.create_register(coordinator_dir, PASSPHRASE, roles=("coordinator",),
                                       component="CZSK")
        reg.close()
        before = snapshot(coordinator_dir)
        coordinator = vault.unlock(coordinator_dir, PASSPHRASE)

    stats: dict[str, Any] = {"n": 0, "max": 0.0, "max_kind": "", "refused": 0, "accepted": 0,
                             "planned": 0}
    unhandled: list[str] = []
    forgeries: list[str] = []
    refusal_kinds: dict[str, int] = {}

    @settings(max_examples=cases, deadline=None, derandomize=True, database=None,
              phases=(Phase.explicit, Phase.generate),
              suppress_health_check=list(HealthCheck))
    @given(mutated_files(corpus))
    def check(case: tuple[str, bytes]) -> None:
        kind, data = case
        stats["n"] += 1
        started = time.perf_counter()
        try:
            verified = interchange.read_file(data, corpus.coordinator.private_key, today=TODAY)
        except AppError as exc:
            stats["refused"] += 1
            refusal_kinds[type(exc).__name__] = refusal_kinds.get(type(exc).__name__, 0) + 1
            _ = exc.message  # the sentence must format, too
        except Exception as exc:  # noqa: BLE001 - exactly what we are looking for
            unhandled.append(f"{kind}: {exc!r:.200} on {data[:120]!r}")
        else:
            stats["accepted"] += 1
            same_file = verified.sha256 == corpus.sha256  # a no-op edit, e.g. 0 replaced by 0
            if not same_file and (kind != "own"
                                  or verified.signer_public_key != corpus.key.public_key):
                forgeries.append(f"{kind}: {verified.sha256} {data[:200]!r}")
        elapsed = time.perf_counter() - started
        if elapsed > stats["max"]:
            stats["max"], stats["max_kind"] = elapsed, f"{kind} {len(data)} bytes"
        if coordinator is not None and stats["n"] % 20 == 0:
            path = tmp_path / "in.json"
            path.write_bytes(data)
            try:
                plan_import(coordinator, [path], TODAY)
            except AppError:
                pass
            except Exception as exc:  # noqa: BLE001
                unhandled.append(f"plan_import: {exc!r:.200}")
            stats["planned"] += 1

    started = time.monotonic()
    try:
        check()
    finally:
        if coordinator is not None:
            coordinator.close()
    wall = time.monotonic() - started
    if coordinator is not None:
        assert snapshot(coordinator_dir) == before, "planning an import changed the register"

    top = ", ".join(f"{k} {v}" for k, v in sorted(refusal_kinds.items(), key=lambda kv: -kv[1])[:6])
    planned = (f"; plan_import on {stats['planned']}, register byte-identical"
               if coordinator is not None else "; plan_import not on this branch: reader only")
    h.summary(capsys, f"fuzz: {stats['n']} cases, {len(unhandled)} unhandled, "
                      f"{len(forgeries)} forgeries accepted, {stats['refused']} refused, "
                      f"{stats['accepted']} own-key edits accepted, max "
                      f"{stats['max'] * 1000:.0f} ms ({stats['max_kind']}), {wall:.0f} s"
                      f"{planned} (top refusals: {top})")
    assert unhandled == [], unhandled[:5]
    assert forgeries == [], forgeries[:5]
    assert stats["n"] >= cases


def test_ten_thousand_single_bit_flips_are_all_refused(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = Corpus()
    rng = __import__("random").Random(h.SEED)
    flips = h.scaled(BITFLIPS)
    refused, slowest = 0, 0.0
    kinds: dict[str, int] = {}
    problems: list[str] = []
    for n in range(flips):
        original = corpus.plain if n % 2 else corpus.sealed
        bit = rng.randrange(len(original) * 8)
        damaged = bytearray(original)
        damaged[bit // 8] ^= 1 << (bit % 8)
        started = time.perf_counter()
        try:
            interchange.read_file(bytes(damaged), corpus.coordinator.private_key, today=TODAY)
            problems.append(f"accepted with bit {bit} flipped")
        except InvalidImportFile as exc:
            refused += 1
            kinds[type(exc).__name__] = kinds.get(type(exc).__name__, 0) + 1
        except Exception as exc:  # noqa: BLE001
            problems.append(f"bit {bit}: {exc!r:.120}")
        slowest = max(slowest, time.perf_counter() - started)
    h.summary(capsys, f"bitflip: {flips} flips ({len(corpus.plain)}-byte signed and "
                      f"{len(corpus.sealed)}-byte sealed file), {refused} refused, max "
                      f"{slowest * 1000:.0f} ms ({kinds})")
    assert problems == [], problems[:5]
    assert refused == flips


def test_fuzz_corpus_is_valid_before_mutation() -> None:
    """The mutations start from files the reader accepts, so refusals are due to the mutation."""
    corpus = Corpus()
    assert interchange.read_file(corpus.plain, today=TODAY).payload == corpus.payload
    assert interchange.read_file(corpus.sealed, corpus.coordinator.private_key,
                                 today=TODAY).payload == corpus.payload
    assert interchange.read_file(_signed(corpus.payload, corpus.key), today=TODAY)
    assert interchange.read_file(_sealed(_signed(corpus.payload, corpus.key), corpus.coordinator),
                                 corpus.coordinator.private_key, today=TODAY)
    assert dt.date(2025, 10, 1) <= TODAY
