"""`python -m tests.cheap_app ARGS`: the program (`python -m app ARGS`) with the tests' cheap
key derivation (tests/cheap_kdf.py), for tests that run it as a separate process."""

from __future__ import annotations

from tests import cheap_kdf

cheap_kdf.install()

from app.main import main  # noqa: E402

raise SystemExit(main())
