"""The key file beside the database: the random data key, wrapped under the passphrase.

Layout (JSON, version 2; version 1 is read too, and rewritten as 2 at the next unlock)::

    {"format": "vertrouwd-keyfile", "version": 2, "register_id": "<uuid>",
     "slots": {"passphrase": SLOT, "recovery": SLOT | null},
     "mac": "<HMAC-SHA256 hex, keyed with the data key, over format, version, register id and
             slots>",
     "checksum": "<sha256 hex of the canonical JSON of everything else>"}

    SLOT = {"kdf": {"name": "argon2id", "time_cost": t, "memory_kib": m, "parallelism": p,
                    "salt": b64}, "nonce": b64, "wrapped_key": b64, "aad": 2}

The data key is wrapped with AES-256-GCM under a key derived with Argon2id. What the program
tells apart, and how (docs/security.md, "The key file"):

- a *damaged* file (bit rot, a cut-short copy): the unkeyed checksum or the structure fails,
  before any passphrase is asked for;
- *altered* parameters: the KDF parameters are bounded before anything is derived, below by
  the floor (KeyFileWeakened) and above by the most work Vertrouwd ever asks for
  (KeyFileAltered), so an edited file can neither weaken the derivation nor make an unlock
  take long;
- a *wrong passphrase*: the authenticated unwrap fails. Everything bound into the unwrap (the
  slot name, the KDF parameters and salt, the nonce, the wrapped key) reads the same way when
  edited within the bounds: without the right key nothing can tell an edit from a typo;
- an *altered* file otherwise (another register id, the other slot removed or replaced, any
  field outside the unwrap): the keyed MAC, checked with the data key right after the unwrap,
  fails (KeyFileAltered). The checksum is not a secret; the MAC needs the data key.

Version 1 bound the register id into the unwrap (an edit read as a wrong passphrase) and had
no MAC. Its slots (without "aad") keep that binding wherever they are read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.atomic import atomic_write_bytes
from app.errors import (
    KeyFileAltered,
    KeyFileDamaged,
    KeyFileUnreadable,
    KeyFileWeakened,
    WrongPassphrase,
    WrongRecoveryCode,
)
from app.secrets_in_memory import take, wipe

FORMAT = "vertrouwd-keyfile"
VERSION = 2
READABLE_VERSIONS = (1, 2)
DATA_KEY_BYTES = 32
SLOT_AAD_VERSION = 2
_MAC_INFO = b"vertrouwd-keyfile mac v2"


@dataclass(frozen=True)
class KdfParams:
    time_cost: int
    memory_kib: int
    parallelism: int

    @property
    def cost(self) -> int:
        """Argon2id's work, in KiB of memory filled per pass, times the passes."""
        return self.time_cost * self.memory_kib

    def meets(self, floor: KdfParams) -> bool:
        return (
            self.time_cost >= floor.time_cost
            and self.memory_kib >= floor.memory_kib
            and self.parallelism >= 1
        )

    def within(self, ceiling: KdfParams, max_cost: int) -> bool:
        """Not more memory, passes or lanes than ``ceiling``, nor more work than ``max_cost``."""
        return (
            self.memory_kib <= ceiling.memory_kib
            and self.time_cost <= ceiling.time_cost
            and self.parallelism <= ceiling.parallelism
            and self.cost <= max_cost
        )


# About 0.57 s on the 2-core test machine (see the README). 128 MiB keeps the program's peak
# memory under 300 MB while unlocking; the passes bring the time into the 0.5-1 s we want for
# every guess. Far above RFC 9106's second recommendation (64 MiB, 3 passes).
PRODUCTION_PROFILE = KdfParams(time_cost=12, memory_kib=128 * 1024, parallelism=2)
PRODUCTION_FLOOR = KdfParams(time_cost=2, memory_kib=64 * 1024, parallelism=1)
# The most any version of Vertrouwd asked for (it wrote 3 x 256 MiB, 6 x 128 MiB and 12 x
# 128 MiB, two lanes): a key file asking more was altered. Bounded before deriving, so a
# tampered file cannot make an unlock take long or exhaust the memory: at most 256 MiB, 12
# passes, 4 lanes, and 12 x 128 MiB of work in all (about 0.6 s).
CEILING = KdfParams(time_cost=12, memory_kib=256 * 1024, parallelism=4)
MAX_COST = PRODUCTION_PROFILE.cost

# What `KeyFile.create` uses and what `unwrap` requires. Nothing in the program changes them: no
# environment variable, setting or argument lowers the floor. (Tests replace these two module
# attributes with a cheap profile, tests/cheap_kdf.py; the shipped program has no such code.)
PROFILE = PRODUCTION_PROFILE
FLOOR = PRODUCTION_FLOOR


def check_params(params: KdfParams) -> None:
    """KeyFileWeakened below the floor, KeyFileAltered above the ceiling: checked before
    deriving, whether the parameters come from a file or from a caller."""
    if not params.meets(FLOOR):
        raise KeyFileWeakened()
    if not params.within(CEILING, MAX_COST):
        raise KeyFileAltered()


def normalize_secret(secret: str) -> bytes:
    """NFC-normalise so that the same text typed on another keyboard opens the register. The
    caller wipes the result (secrets_in_memory.wipe) once it has derived the key."""
    normalized = unicodedata.normalize("NFC", secret)
    encoded = normalized.encode("utf-8")
    if normalized is not secret:
        wipe(normalized)
    return encoded


def normalize_recovery_code(code: str) -> bytes:
    return "".join(ch for ch in code.upper() if ch.isalnum()).encode("ascii", "ignore")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, length: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise KeyFileDamaged()
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise KeyFileDamaged() from exc
    if length is not None and len(raw) != length:
        raise KeyFileDamaged()
    return raw


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _derive(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret, salt, params.time_cost, params.memory_kib, params.parallelism, 32, Type.ID
    )


def _aad(register_id: str, slot_name: str, slot: dict[str, Any]) -> bytes:
    kdf = slot["kdf"]
    if slot.get("aad") == SLOT_AAD_VERSION:  # the register id is checked by the MAC instead
        return _canonical({"aad": SLOT_AAD_VERSION, "slot": slot_name, "kdf": kdf})
    return _canonical({"register_id": register_id, "slot": slot_name, "kdf": kdf})


def _mac_key(data_key: bytes | bytearray) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_MAC_INFO).derive(data_key)


def _make_slot(slot_name: str, secret: bytes, data_key: bytes | bytearray, params: KdfParams
               ) -> dict[str, Any]:
    """A version-2 slot; refuses parameters below the floor or above the ceiling. Wipes
    ``secret``."""
    try:
        check_params(params)
    except (KeyFileWeakened, KeyFileAltered) as exc:
        raise ValueError(f"key derivation parameters out of bounds: {params}") from exc
    salt = secrets.token_bytes(16)
    kdf = {
        "name": "argon2id",
        "time_cost": params.time_cost,
        "memory_kib": params.memory_kib,
        "parallelism": params.parallelism,
        "salt": _b64(salt),
    }
    nonce = secrets.token_bytes(12)
    slot: dict[str, Any] = {"kdf": kdf, "aad": SLOT_AAD_VERSION}
    derived = _derive(secret, salt, params)
    try:
        wrapped = AESGCM(derived).encrypt(nonce, data_key, _aad("", slot_name, slot))
    finally:
        wipe(derived)
        wipe(secret)
    return {**slot, "nonce": _b64(nonce), "wrapped_key": _b64(wrapped)}


@dataclass
class KeyFile:
    register_id: str
    slots: dict[str, dict[str, Any] | None]
    version: int = VERSION
    mac: str | None = None  # version 2: set by `sealed`, checked by `unwrap`

    # --- creation -------------------------------------------------------------------------
    @staticmethod
    def create(
        passphrase: str, data_key: bytes | bytearray, params: KdfParams | None = None
    ) -> KeyFile:
        register_id = str(uuid.uuid4())
        slot = _make_slot("passphrase", normalize_secret(passphrase), data_key, params or PROFILE)
        return KeyFile(register_id, {"passphrase": slot, "recovery": None}).sealed(data_key)

    def with_passphrase(
        self, passphrase: str, data_key: bytes | bytearray, params: KdfParams | None = None
    ) -> KeyFile:
        slot = _make_slot("passphrase", normalize_secret(passphrase), data_key, params or PROFILE)
        return KeyFile(self.register_id, {**self.slots, "passphrase": slot}).sealed(data_key)

    def with_recovery(
        self, recovery_code: str, data_key: bytes | bytearray, params: KdfParams | None = None
    ) -> KeyFile:
        slot = _make_slot("recovery", normalize_recovery_code(recovery_code), data_key,
                          params or PROFILE)
        return KeyFile(self.register_id, {**self.slots, "recovery": slot}).sealed(data_key)

    def sealed(self, data_key: bytes | bytearray) -> KeyFile:
        """This key file as version 2, its MAC made with ``data_key``."""
        upgraded = KeyFile(self.register_id, self.slots, VERSION)
        upgraded.mac = upgraded._expected_mac(data_key)
        return upgraded

    @property
    def has_recovery(self) -> bool:
        return self.slots.get("recovery") is not None

    # --- unwrapping -----------------------------------------------------------------------
    def unwrap(self, passphrase: str) -> bytearray:
        """The data key, in a bytearray the caller wipes (secrets_in_memory.wipe)."""
        return self._unwrap("passphrase", normalize_secret(passphrase), WrongPassphrase)

    def unwrap_recovery(self, code: str) -> bytearray:
        if not self.has_recovery:
            raise WrongRecoveryCode()
        return self._unwrap("recovery", normalize_recovery_code(code), WrongRecoveryCode)

    def _unwrap(self, slot_name: str, secret: bytes, wrong: type[Exception]) -> bytearray:
        try:
            return self._unwrap_with(slot_name, secret, wrong)
        finally:
            wipe(secret)

    def _unwrap_with(self, slot_name: str, secret: bytes, wrong: type[Exception]
                     ) -> bytearray:
        slot = self.slots.get(slot_name)
        if not isinstance(slot, dict):
            raise KeyFileDamaged()
        kdf = slot["kdf"]
        params = KdfParams(kdf["time_cost"], kdf["memory_kib"], kdf["parallelism"])
        check_params(params)  # before deriving: no edit can weaken it or make it slow
        salt = _unb64(kdf["salt"], 16)
        nonce = _unb64(slot["nonce"], 12)
        wrapped = _unb64(slot["wrapped_key"], DATA_KEY_BYTES + 16)
        try:
            derived = _derive(secret, salt, params)
        except MemoryError as exc:
            raise KeyFileDamaged() from exc
        try:
            key = take(AESGCM(derived).decrypt(nonce, wrapped,
                                               _aad(self.register_id, slot_name, slot)))
        except InvalidTag as exc:
            raise wrong() from exc
        finally:
            wipe(derived)
        if self.version >= 2 and not hmac.compare_digest(str(self.mac),
                                                         self._expected_mac(key)):
            wipe(key)
            raise KeyFileAltered()
        return key

    # --- serialisation --------------------------------------------------------------------
    def _body(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "register_id": self.register_id,
            "slots": self.slots,
        }

    def _expected_mac(self, data_key: bytes | bytearray) -> str:
        return hmac.new(_mac_key(data_key), _canonical(self._body()), hashlib.sha256).hexdigest()

    def to_bytes(self) -> bytes:
        body = self._body()
        if self.version >= 2:
            body["mac"] = self.mac
        body["checksum"] = hashlib.sha256(_canonical(body)).hexdigest()
        return json.dumps(body, indent=1, sort_keys=True).encode("utf-8") + b"\n"

    def save(self, path: Path) -> None:
        atomic_write_bytes(path, self.to_bytes())

    @staticmethod
    def from_bytes(data: bytes) -> KeyFile:
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise KeyFileDamaged() from exc
        if (
            not isinstance(raw, dict)
            or raw.get("format") != FORMAT
            or type(raw.get("version")) is not int
            or raw["version"] not in READABLE_VERSIONS
        ):
            raise KeyFileDamaged()
        checksum = raw.pop("checksum", None)
        if checksum != hashlib.sha256(_canonical(raw)).hexdigest():
            raise KeyFileDamaged()
        version = raw["version"]
        expected = {"format", "version", "register_id", "slots"} | ({"mac"} if version >= 2
                                                                    else set())
        slots = raw.get("slots")
        if set(raw) != expected or not isinstance(slots, dict) or not isinstance(
                raw.get("register_id"), str):
            raise KeyFileDamaged()
        if version >= 2 and not (isinstance(raw["mac"], str) and len(raw["mac"]) == 64):
            raise KeyFileDamaged()
        if set(slots) != {"passphrase", "recovery"}:
            raise KeyFileDamaged()
        for name in ("passphrase", "recovery"):
            slot = slots.get(name)
            if slot is None and name == "recovery":
                continue
            if not _slot_well_formed(slot):
                raise KeyFileDamaged()
        return KeyFile(register_id=raw["register_id"], slots=slots, version=version,
                       mac=raw.get("mac"))

    @staticmethod
    def load(path: Path) -> KeyFile:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise
        except (IsADirectoryError, NotADirectoryError) as exc:
            raise KeyFileDamaged() from exc  # a folder where the file was: damage
        except OSError as exc:
            # A read error (EIO on a failing or pulled stick): the drive, not the register.
            raise KeyFileUnreadable() from exc
        return KeyFile.from_bytes(data)


def _slot_well_formed(slot: Any) -> bool:
    """The structure of a slot (version 1 or 2); the parameters' bounds are `check_params`'s."""
    if not isinstance(slot, dict) or not isinstance(slot.get("kdf"), dict):
        return False
    if set(slot) - {"kdf", "nonce", "wrapped_key", "aad"} or (
            "aad" in slot and slot["aad"] != SLOT_AAD_VERSION):
        return False
    kdf = slot["kdf"]
    ints = ("time_cost", "memory_kib", "parallelism")
    return (
        kdf.get("name") == "argon2id"
        and set(kdf) == {"name", "salt", *ints}
        and all(type(kdf.get(k)) is int and kdf[k] >= 1 for k in ints)
        and all(isinstance(slot.get(k), str) for k in ("nonce", "wrapped_key"))
        and isinstance(kdf.get("salt"), str)
    )


RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I confusion


def new_recovery_code() -> str:
    """Six groups of five characters (about 150 bits), easy to read back from paper."""
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(30))
    return "-".join(chars[i : i + 5] for i in range(0, 30, 5))
