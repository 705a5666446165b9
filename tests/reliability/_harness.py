"""Shared machinery of the reliability suite: forked writer children, a transaction workload
whose every commit is self-describing, and the checks a reopened register must pass.

Each workload transaction (one `Register.session()`) does 1..6 CaseService use cases, bumps
the counter `txn` in the KeyValue table and writes a marker row `m:<n>` listing the cases and
activities it created or deleted. Before committing it reports `P <n> <digest>` (the content
digest as seen inside the transaction) and after the commit returned `C <n>`. A reopened register
must hold exactly the state of some reported transaction: no lost commit, nothing half-applied.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import json
import os
import pickle
import random
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select as sql_select

from app.models import database, register_files
from app.models.entities import Activity, Case, ContactMoment, KeyValue
from app.services.confidant.cases import CaseService
from app.services.storage import vault
from tests.conftest import PASSPHRASE, TODAY

SEED = int(os.environ.get("VERTROUWD_RELIABILITY_SEED", "20261123"))


def scaled(n: int) -> int:
    """`n` times VERTROUWD_RELIABILITY_ITERATIONS (a factor, default 1) for long runs."""
    factor = float(os.environ.get("VERTROUWD_RELIABILITY_ITERATIONS", "1") or 1)
    return max(1, int(n * factor))


def summary(capsys: pytest.CaptureFixture[str], line: str) -> None:
    with capsys.disabled():
        print(f"\n{line}", flush=True)


# --- writer children -------------------------------------------------------------------------
# A child runs `fn(emit, *args)`; each `emit(line)` reaches the parent at once, even if the child
# is killed a moment later. On POSIX the child is forked (cheap: the crash drill starts hundreds)
# and killed with SIGKILL. Windows has no fork: there the child is a new Python process
# (`python -m tests.reliability._child`) that imports `fn` by name, and `kill()` is
# Popen.kill(), i.e. TerminateProcess — the same abrupt end, nothing flushed or cleaned up.
# `fn` must be a module-level function and `args` picklable, so both ways run the same code.
# VERTROUWD_SPAWN_CHILDREN=1 makes POSIX spawn too (tests/reliability/test_harness.py).
ROOT = Path(__file__).resolve().parents[2]


def spawning() -> bool:
    return not hasattr(os, "fork") or os.environ.get("VERTROUWD_SPAWN_CHILDREN") == "1"


class Child:
    """A running writer; read what it emitted with `lines`."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.status: int | None = None

    def run_for(self, seconds: float) -> bool:
        """Let the child run `seconds`; True if it was still running at the end."""
        raise NotImplementedError

    def kill(self) -> None:
        raise NotImplementedError

    def wait_for(self, line: str, timeout: float = 60.0) -> bool:
        """Let the child run until it emitted `line` (True) or exited or timed out (False)."""
        deadline = time.monotonic() + timeout
        while line not in self.lines:
            if time.monotonic() >= deadline or not self.run_for(0.02):
                return line in self.lines
        return True

    def finish(self, timeout: float = 120.0) -> list[str]:
        raise NotImplementedError

    @property
    def lines(self) -> list[str]:
        return bytes(self.buf).decode("utf-8", "replace").splitlines()


class ForkedChild(Child):
    def __init__(self, pid: int, fd: int) -> None:
        super().__init__()
        self.pid, self.fd = pid, fd

    def pump(self, timeout: float) -> bool:
        """Read what the child wrote; False once it closed its end (exited)."""
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return True
        chunk = os.read(self.fd, 65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def run_for(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if not self.pump(left):
                return False
        return True

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)  # type: ignore[attr-defined]
        self.finish()

    def finish(self, timeout: float = 120.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.pump(deadline - time.monotonic()):
            pass
        if self.status is None:
            _, self.status = os.waitpid(self.pid, 0)
            os.close(self.fd)
        return self.lines


class SpawnedChild(Child):
    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        super().__init__()
        self.proc = proc
        assert proc.stdout is not None
        self._reader = threading.Thread(target=self._read, args=(proc.stdout,), daemon=True)
        self._reader.start()

    def _read(self, stream: Any) -> None:
        while chunk := stream.read1(65536):
            self.buf += chunk

    def started(self) -> bool:
        """True once the child has imported everything and is about to run `fn`."""
        return self.buf.startswith(b"STARTED\n")

    def run_for(self, seconds: float) -> bool:
        try:
            self.proc.wait(timeout=max(seconds, 0))
        except subprocess.TimeoutExpired:
            return True
        return False

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()  # TerminateProcess on Windows
        self.finish()

    def finish(self, timeout: float = 600.0) -> list[str]:
        try:
            self.status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.status = self.proc.wait()
            self.buf += b"TIMEOUT the child was still running after %d s\n" % timeout
        self._reader.join(timeout=30)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return self.lines

    @property
    def lines(self) -> list[str]:
        text = bytes(self.buf).decode("utf-8", "replace")
        return [line for line in text.splitlines() if line != "STARTED"]


def fork(fn: Callable[..., None], *args: Any) -> Child:
    """Run fn(emit, *args) in a child process; emit(line) goes unbuffered to the parent.

    The parent must hold no open database connection while starting a child.
    """
    if spawning():
        return spawn(fn, *args)
    r, w = os.pipe()
    pid = os.fork()  # type: ignore[attr-defined]
    if pid == 0:  # child: never return into pytest
        code = 0
        try:
            os.close(r)

            def emit(line: str) -> None:
                os.write(w, (line + "\n").encode("utf-8"))

            fn(emit, *args)
        except BaseException:  # noqa: BLE001 - the forked child reports any failure, then exits
            code = 70
            with contextlib.suppress(BaseException):
                os.write(
                    w, ("ERROR " + traceback.format_exc().replace("\n", " | ") + "\n").encode()
                )
        finally:
            os._exit(code)
    os.close(w)
    return ForkedChild(pid, r)


# Starting Python and importing the database stack takes seconds under Wine; the next child is
# therefore started ahead, while the current one runs and is judged, and waits for its work.
_next_child: subprocess.Popen[bytes] | None = None


def _start_child() -> subprocess.Popen[bytes]:
    # Wine's CreateProcess now and then fails with ERROR_INTERNAL_ERROR (1359) on a loaded
    # machine; a moment later it works. A child that cannot start after that fails the test.
    for attempt in range(4):
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "tests.reliability._child"], cwd=ROOT,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        except OSError:
            if attempt == 3:
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def _drop_next_child() -> None:
    global _next_child
    if _next_child is not None:
        with contextlib.suppress(OSError):
            _next_child.kill()
        _next_child.wait()
        for stream in (_next_child.stdin, _next_child.stdout):
            if stream is not None:
                stream.close()
        _next_child = None


atexit.register(_drop_next_child)


def spawn(fn: Callable[..., None], *args: Any, wait_started: bool = True) -> SpawnedChild:
    """A new Python process that imports `fn` by name and runs fn(emit, *args).

    With `wait_started`, returns once the child has its work and is about to run it (a kill
    should land in the work, not in the interpreter's start-up, as with a fork)."""
    global _next_child
    payload = pickle.dumps((fn.__module__, fn.__qualname__, args))
    proc = _next_child if _next_child is not None and _next_child.poll() is None else None
    if proc is None:
        _drop_next_child()
        proc = _start_child()
    _next_child = None  # taken: never handed out twice, even if starting the next one fails
    assert proc.stdin is not None
    proc.stdin.write(payload)
    proc.stdin.close()
    with contextlib.suppress(OSError):  # only a head start: spawn starts one when there is none
        _next_child = _start_child()
    child = SpawnedChild(proc)
    if wait_started:
        deadline = time.monotonic() + 120
        while not child.started() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
    return child


# --- the workload --------------------------------------------------------------------------
class _OneTransaction:
    """Lets CaseService use cases run inside one enclosing transaction (a batch)."""

    def __init__(self, session: Any) -> None:
        self._session = session

    @contextlib.contextmanager
    def session(self) -> Iterator[Any]:
        yield self._session

    def checkpoint(self) -> None:  # not inside a transaction; the workload does it after commits
        pass


def current_counter(session: Any) -> int:
    kv = session.get(KeyValue, "txn")
    return int(kv.value) if kv else 0


def _rand_date(rng: random.Random, after: dt.date) -> dt.date:
    span = (TODAY - after).days
    return after + dt.timedelta(days=rng.randint(0, max(span, 0)))


def _one_use_case(rng: random.Random, svc: CaseService, s: Any, ops: list[list[Any]]) -> None:
    case_ids = list(s.scalars(sql_select(Case.id)))
    open_ids = list(s.scalars(sql_select(Case.id).where(Case.status == "open")))
    activity_ids = list(s.scalars(sql_select(Activity.id)))
    lists = svc.lists
    topics = [t.code for t in lists.topics]
    modes = [m.code for m in lists.contact_modes]
    kinds = [k.code for k in lists.activity_kinds]
    r = rng.random()
    if r < 0.25 or not case_ids:
        change = svc.open_case(
            on=_rand_date(rng, dt.date(2026, 1, 1)), minutes=rng.randint(5, 120),
            mode=rng.choice(modes), topics=rng.sample(topics, rng.randint(1, 3)),
            memo=rng.choice([None, "kort", "x" * rng.randint(1, 1500)]),
        )
        ops.append(["+", "case", change.id])
    elif r < 0.40 and open_ids:
        case = s.get(Case, rng.choice(open_ids))
        svc.add_contact(case.id, on=_rand_date(rng, case.opened_on), minutes=rng.randint(5, 90),
                        mode=rng.choice(modes))
    elif r < 0.50 and open_ids:
        case = s.get(Case, rng.choice(open_ids))
        last = s.scalar(sql_select(ContactMoment.on).where(ContactMoment.case_id == case.id)
                        .order_by(ContactMoment.on.desc()).limit(1))
        svc.close_case(case.id, on=_rand_date(rng, last or case.opened_on),
                       outcome=rng.choice([o.code for o in lists.outcomes]))
    elif r < 0.58:
        svc.update_case(rng.choice(case_ids), topics=rng.sample(topics, rng.randint(1, 2)),
                        memo=rng.choice([None, "bijgewerkt"]))
    elif r < 0.70:
        cid = rng.choice(case_ids)
        svc.delete_case(cid)
        ops.append(["-", "case", cid])
    elif r < 0.88 or not activity_ids:
        change = svc.add_activity(on=_rand_date(rng, dt.date(2026, 1, 1)),
                                  minutes=rng.randint(5, 480), kind=rng.choice(kinds))
        ops.append(["+", "activity", change.id])
    else:
        aid = rng.choice(activity_ids)
        svc.delete_activity(aid)
        ops.append(["-", "activity", aid])


def run_transaction(register: vault.Register, svc: CaseService, rng: random.Random,
                    emit: Callable[[str], None]) -> int:
    """One workload transaction; returns its number. Raises what the session raised."""
    n = 0
    with register.session() as s:
        n = current_counter(s) + 1
        svc.register = _OneTransaction(s)  # type: ignore[assignment]
        ops: list[list[Any]] = []
        count = rng.randint(2, 6) if rng.random() < 0.3 else 1
        for _ in range(count):
            _one_use_case(rng, svc, s, ops)
        s.merge(KeyValue(key="txn", value=str(n)))
        s.add(KeyValue(key=f"m:{n}", value=json.dumps(ops)))
        s.flush()
        raw = s.connection().connection.driver_connection
        emit(f"P {n} {database.content_digest(raw)}")
    emit(f"C {n}")
    return n


def new_service(register: vault.Register) -> CaseService:
    return CaseService(register, today=lambda: TODAY)


# --- checks on a reopened register ------------------------------------------------------------
@dataclass
class Reopened:
    problems: list[str]
    counter: int
    digest: str
    marker_problems: list[str]


def reopen_and_check(folder: Path) -> Reopened:
    """Unlock (quick_check), run integrity/cipher/foreign-key checks, replay the markers."""
    try:
        reg = vault.unlock(folder, PASSPHRASE)
    except Exception as exc:  # noqa: BLE001 - any failure to open is corruption here
        return Reopened([f"unlock: {exc!r}"], -1, "", [])
    try:
        problems = vault.verify(reg)
        digest = vault.content_digest(reg)
        with reg.session() as s:
            counter = current_counter(s)
            markers = {k: v for k, v in s.execute(sql_select(KeyValue.key, KeyValue.value))
                       if k.startswith("m:")}
            live = {"case": set(s.scalars(sql_select(Case.id))),
                    "activity": set(s.scalars(sql_select(Activity.id)))}
    finally:
        reg.close()
    marker_problems = []
    expected: dict[str, set[int]] = {"case": set(), "activity": set()}
    for n in range(1, counter + 1):
        raw = markers.pop(f"m:{n}", None)
        if raw is None:
            marker_problems.append(f"marker m:{n} missing")
            continue
        for sign, table, row_id in json.loads(raw):
            (expected[table].add if sign == "+" else expected[table].discard)(row_id)
    if markers:
        marker_problems.append(f"markers beyond the counter {counter}: {sorted(markers)[:5]}")
    for table in expected:
        if expected[table] != live[table]:
            marker_problems.append(
                f"{table}: rows without marker {sorted(live[table] - expected[table])[:5]}, "
                f"marked rows missing {sorted(expected[table] - live[table])[:5]}")
    return Reopened(problems, counter, digest, marker_problems)


def parse(lines: list[str]) -> tuple[dict[int, str], list[int], list[str]]:
    prepared: dict[int, str] = {}
    committed: list[int] = []
    other: list[str] = []
    for line in lines:
        tag, _, rest = line.partition(" ")
        if tag == "P":
            n, digest = rest.split()
            prepared[int(n)] = digest
        elif tag == "C":
            committed.append(int(rest))
        else:
            other.append(line)
    return prepared, committed, other


# --- a plaintext twin of a register (to look for deleted text in the raw files) -------------------
# The register's pages are encrypted, so a byte search of register.db can never find deleted
# text, whether or not it was overwritten. A twin opened with an EMPTY key (SQLCipher then
# behaves as plain SQLite) with the same connection policy (secure_delete, WAL, ...) and the
# same services shows what the pages and the WAL hold after a delete and the app's checkpoint.
# Encryption is page-by-page and changes no page layout, so what is zeroed in the twin is
# zeroed in the plaintext of the real register.
POLICY_PRAGMAS = ("foreign_keys", "journal_mode", "synchronous", "secure_delete", "temp_store")
_TWIN_SETTINGS = ("foreign_keys = ON", "journal_mode = WAL", "synchronous = FULL",
                  "secure_delete = ON", "temp_store = MEMORY")


def policy_of(conn: Any) -> dict[str, Any]:
    return {p: conn.execute(f"PRAGMA {p}").fetchone()[0] for p in POLICY_PRAGMAS}


def plaintext_twin(folder: Path) -> vault.Register:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import QueuePool

    from app.models import database, migrations

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / register_files.DB_NAME

    def connect() -> Any:
        conn = database.dbapi.connect(str(path), check_same_thread=False, isolation_level=None)
        # No PRAGMA key at all: an unkeyed SQLCipher database is a plain SQLite file.
        for setting in _TWIN_SETTINGS:
            conn.execute(f"PRAGMA {setting}")
        return conn

    conn = connect()
    migrations.migrate(conn)
    conn.close()
    engine = create_engine("sqlite://", module=database.dbapi, creator=connect,
                           poolclass=QueuePool, pool_size=2, max_overflow=2)
    database._use_explicit_transactions(engine)
    return vault.Register(folder=folder, key_file=None, _data_key=b"", engine=engine)  # type: ignore[arg-type]


def assert_twin_policy_is_the_registers(register: vault.Register, twin: vault.Register) -> None:
    real, plain = register.raw_connection(), twin.engine.raw_connection()
    try:
        assert policy_of(real) == policy_of(plain.driver_connection), "twin drifted from policy"
        assert policy_of(real)["secure_delete"] == 1
    finally:
        real.close()
        plain.close()


def encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def hits_in_files(files: list[Path], needles: dict[str, list[bytes]]) -> list[str]:
    """'file: needle' for every needle (any of its encodings) found in any file."""
    found = []
    for f in files:
        data = f.read_bytes()
        for name, forms in needles.items():
            if any(form and form in data for form in forms):
                found.append(f"{f}: {name}")
    return found
