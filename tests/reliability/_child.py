"""A spawned writer child (see _harness.spawn): imports the database stack, then reads
(module, function, args) pickled on standard input, says STARTED, and runs function(emit,
*args); every emitted line is written and flushed at once, so the parent has it even if this
process is killed the next moment. Started ahead of need, it waits for its work (standard input
closed without work: it just exits)."""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import sys
import traceback


def main() -> None:
    import tests.reliability._harness  # noqa: F401 - the stack every writer needs, loaded early

    work = sys.stdin.buffer.read()
    if not work:
        os._exit(0)
    module_name, qualname, args = pickle.loads(work)
    fn = importlib.import_module(module_name)
    for part in qualname.split("."):
        fn = getattr(fn, part)
    out = sys.stdout.buffer

    def emit(line: str) -> None:
        out.write((line + "\n").encode("utf-8"))
        out.flush()

    code = 0
    try:
        emit("STARTED")
        fn(emit, *args)
    except BaseException:  # noqa: BLE001 - the child reports any failure, then exits
        code = 70
        with contextlib.suppress(BaseException):
            emit("ERROR " + traceback.format_exc().replace("\n", " | "))
    finally:
        with contextlib.suppress(BaseException):
            out.flush()
        os._exit(code)


if __name__ == "__main__":
    main()
