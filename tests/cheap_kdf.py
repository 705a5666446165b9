"""The cheap key-derivation profile of the tests, installed by the tests themselves.

The shipped program has no switch for it (no environment variable, no setting, no argument):
`app.models.keyfile` derives with `PROFILE` and refuses anything below `FLOOR`, and nothing in
app/ changes those two. The tests replace them here, in their own process (tests/conftest.py)
and in the processes they start (`python -m tests.cheap_app`, tests/reliability/_child.py),
so that a register unlocks in milliseconds. A test that checks the production rules puts the
production values back with `monkeypatch` (tests/models/test_key_file_policy.py).
"""

from __future__ import annotations

from app.models import keyfile
from app.models.keyfile import KdfParams

TEST_PROFILE = KdfParams(time_cost=1, memory_kib=64, parallelism=1)
TEST_FLOOR = KdfParams(time_cost=1, memory_kib=8, parallelism=1)


def install() -> None:
    keyfile.PROFILE = TEST_PROFILE
    keyfile.FLOOR = TEST_FLOOR
