"""Runs inside Wine: `utf8run.py -m MODULE ARGS`, `-c CODE ARGS` or `SCRIPT ARGS` with this
process's own output in UTF-8, so the log of a test run can hold any character. Nothing is
inherited by the processes the tests start: they see Windows' defaults, as a user's program
does."""

import runpy
import sys

for stream in (sys.stdout, sys.stderr):
    stream.reconfigure(encoding="utf-8", errors="backslashreplace", line_buffering=True)

if sys.argv[1] == "-m":
    module = sys.argv[2]
    sys.argv = [module, *sys.argv[3:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
elif sys.argv[1] == "-c":
    code = sys.argv[2]
    sys.argv = ["-c", *sys.argv[3:]]
    exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
else:
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(script, run_name="__main__")
