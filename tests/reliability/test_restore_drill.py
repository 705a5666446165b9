"""Restore drill: a register with data is backed up, the live folder is lost, the newest backup
is restored, and the content is exactly what it was."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import time
from pathlib import Path

import pytest

from app.services.storage import backup, vault
from tests.conftest import PASSPHRASE
from tests.reliability import _harness as h

pytestmark = pytest.mark.reliability

# The backups' clock, one hour apart: their names and order come from these, not from waiting.
BACKUP_TIMES = [dt.datetime(2026, 5, 4, 9 + n, tzinfo=dt.UTC) for n in range(3)]


def test_restore_newest_backup_after_losing_the_register(
    register_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    dest = tmp_path / "backups"
    reg = vault.unlock(register_dir, PASSPHRASE)
    rng, svc = random.Random(h.SEED), h.new_service(reg)
    digests = []
    for generation in range(3):  # three backups, data changing in between
        for _ in range(h.scaled(40)):
            h.run_transaction(reg, svc, rng, lambda line: None)
        backup.create_backup(reg, dest, now=BACKUP_TIMES[generation])
        digests.append(vault.content_digest(reg))
    with reg.session() as s:
        rows = h.current_counter(s)
    reg.close()
    assert len(set(digests)) == 3

    shutil.rmtree(register_dir)  # the laptop's disk died; only the backups are left
    newest = backup.list_backups(dest)[0]
    restored = backup.restore(register_dir, newest.path, PASSPHRASE)
    assert restored.aside is None  # nothing to set aside

    restored = h.reopen_and_check(register_dir)
    reg = vault.unlock(register_dir, PASSPHRASE)
    digest = vault.content_digest(reg)
    reg.close()
    ok = digest == digests[-1] and restored.problems == [] and restored.marker_problems == []
    h.summary(capsys, f"restore: {len(digests)} backups, newest restored after deleting the "
                      f"register ({rows} transactions), content digest "
                      f"{'identical' if ok else 'DIFFERENT'}, {len(restored.problems)} problems "
                      f"({time.monotonic() - started:.1f}s)")
    assert digest == digests[-1]
    assert restored.problems == [] and restored.marker_problems == []
    assert restored.counter == rows
