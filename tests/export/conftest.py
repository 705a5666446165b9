from __future__ import annotations

import pytest

from app.export import crypto, interchange

from .factories import vp_payload


@pytest.fixture(scope="session")
def vp_key() -> crypto.KeyPair:
    return crypto.new_signing_key()


@pytest.fixture(scope="session")
def other_key() -> crypto.KeyPair:
    return crypto.new_signing_key()


@pytest.fixture(scope="session")
def coordinator_sealing() -> crypto.KeyPair:
    return crypto.new_sealing_key()


@pytest.fixture(scope="session")
def valid_file(vp_key: crypto.KeyPair) -> bytes:
    return interchange.write_file(vp_payload(vp_key), vp_key.private_key)
