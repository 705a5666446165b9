"""Signing (Ed25519), key fingerprints, and sealing to a recipient (X25519 + AES-256-GCM).

Keys go in and out as raw 32-byte strings, the way the register stores them.

Fingerprint: SHA-256 of the raw 32-byte public key. ``fingerprint_hex`` is what files carry;
``fingerprint_groups`` is what people compare by phone: 40 decimal digits in groups of five
(the digest modulo 10**40, about 133 bits).

Sealing: an ephemeral X25519 key agrees a secret with the recipient's sealing key; HKDF-SHA256
(salt = ephemeral public key + recipient public key) turns it into an AES-256-GCM key. The
associated data binds the format id and the recipient's fingerprint, so a sealed file cannot
be relabelled for another recipient or read as another kind of file.

Sealing is the only writer step that draws randomness (the ephemeral key, then the nonce). It
takes it from ``random_bytes``, ``os.urandom`` unless a caller passes another source: the
golden-file generator (tools/make_golden.py) passes a seeded stream so that a sealed file can
be reproduced byte for byte. Nothing in the program passes one, and a test says so.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
SIGNATURE_BYTES = 64
NONCE_BYTES = 12
SEALED_FORMAT = "vertrouwd-sealed"
_HKDF_INFO = b"vertrouwd-sealed v1 aes-256-gcm"

_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw
_NO_ENCRYPTION = serialization.NoEncryption()

RandomBytes = Callable[[int], bytes]
"""``n -> n bytes``; the program always uses ``os.urandom``."""


@dataclass(frozen=True, repr=False)
class KeyPair:
    """Raw 32-byte keys. ``repr`` hides the private key so it never lands in a log."""

    private_key: bytes
    public_key: bytes

    def __repr__(self) -> str:
        return f"KeyPair(public fingerprint {fingerprint_hex(self.public_key)})"


def new_signing_key() -> KeyPair:
    private = Ed25519PrivateKey.generate()
    return KeyPair(
        private.private_bytes(_RAW, _RAW_PRIVATE, _NO_ENCRYPTION),
        private.public_key().public_bytes(_RAW, _RAW_PUBLIC),
    )


def new_sealing_key() -> KeyPair:
    private = X25519PrivateKey.generate()
    return KeyPair(
        private.private_bytes(_RAW, _RAW_PRIVATE, _NO_ENCRYPTION),
        private.public_key().public_bytes(_RAW, _RAW_PUBLIC),
    )


def signing_public_key(private_key: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes(
        _RAW, _RAW_PUBLIC
    )


def sealing_public_key(private_key: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes(
        _RAW, _RAW_PUBLIC
    )


def fingerprint_hex(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()


def fingerprint_groups(public_key: bytes) -> str:
    return groups_of_fingerprint(fingerprint_hex(public_key))


def groups_of_fingerprint(fingerprint: str) -> str:
    """The 8 groups of 5 digits people compare, from a fingerprint as files carry it (hex).
    Text that is not such a fingerprint (a damaged file's) is shown as it is, shortened."""
    if len(fingerprint) != 64 or any(c not in "0123456789abcdef" for c in fingerprint):
        return fingerprint[:64]
    digits = f"{int(fingerprint, 16) % 10**40:040d}"
    return " ".join(digits[i : i + 5] for i in range(0, 40, 5))


def sign(private_key: bytes, message: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(message)


def verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Sealed:
    recipient_fingerprint: str
    ephemeral_public_key: bytes
    nonce: bytes
    ciphertext: bytes


def _associated_data(recipient_fingerprint: str) -> bytes:
    return f"{SEALED_FORMAT}\x001\x00{recipient_fingerprint}".encode("ascii")


def _aead_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral_public + recipient_public,
        info=_HKDF_INFO,
    ).derive(shared)


def _draw(random_bytes: RandomBytes, length: int) -> bytes:
    data = random_bytes(length)
    if not isinstance(data, bytes) or len(data) != length:
        raise ValueError(f"the random source must give exactly {length} bytes")
    return data


def seal(
    recipient_public_key: bytes, plaintext: bytes, *, random_bytes: RandomBytes = os.urandom
) -> Sealed:
    """Encrypt ``plaintext`` to the recipient's X25519 key with a fresh ephemeral key.

    ``random_bytes`` gives the ephemeral private key (32 bytes, any value is a valid X25519
    key: it is clamped) and then the nonce (12 bytes). A source that repeats its output
    repeats key and nonce, so only a reproducible test may pass anything but the default.
    """
    ephemeral = X25519PrivateKey.from_private_bytes(_draw(random_bytes, KEY_BYTES))
    ephemeral_public = ephemeral.public_key().public_bytes(_RAW, _RAW_PUBLIC)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public_key))
    key = _aead_key(shared, ephemeral_public, recipient_public_key)
    nonce = _draw(random_bytes, NONCE_BYTES)
    fingerprint = fingerprint_hex(recipient_public_key)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, _associated_data(fingerprint))
    return Sealed(fingerprint, ephemeral_public, nonce, ciphertext)


def unseal(recipient_private_key: bytes, sealed: Sealed) -> bytes | None:
    """The plaintext, or None when the key does not fit or the ciphertext was altered."""
    private = X25519PrivateKey.from_private_bytes(recipient_private_key)
    recipient_public = private.public_key().public_bytes(_RAW, _RAW_PUBLIC)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(sealed.ephemeral_public_key))
    except ValueError:  # all-zero shared secret: a low-order ephemeral key
        return None
    key = _aead_key(shared, sealed.ephemeral_public_key, recipient_public)
    try:
        return AESGCM(key).decrypt(
            sealed.nonce, sealed.ciphertext, _associated_data(sealed.recipient_fingerprint)
        )
    except InvalidTag:
        return None


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode_canonical(text: str, length: int | None = None) -> bytes | None:
    """Decode standard padded base64, refusing any spelling but the canonical one.

    Without the re-encode check, flipping an unused low bit of the last character would give
    a different file with the same meaning.
    """
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    if b64encode(raw) != text or (length is not None and len(raw) != length):
        return None
    return raw
