"""Runs inside Wine, under the Windows Python: start a command with a file as its standard
output and error, wait, and write its exit code beside the file.

Wine's python.exe needs real standard handles (a terminal) for itself; a child it starts with
files as its handles works. The Linux side (tools/windows/winenv.py) follows the file and so
shows the child's output as it comes, without terminal escape codes.
"""

import os
import subprocess
import sys

PASS_PREFIX = "WINENV_PASS_"  # winenv.base_env: variables Wine would not hand over (QT_*)


def main() -> int:
    log, rc_file, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    for name in [n for n in os.environ if n.upper().startswith(PASS_PREFIX)]:
        os.environ[name[len(PASS_PREFIX):]] = os.environ.pop(name)
    with open(log, "wb") as out:
        code = subprocess.call(command, stdout=out, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    with open(rc_file, "w", encoding="ascii") as fh:
        fh.write(str(code))
    return 0


if __name__ == "__main__":
    sys.exit(main())
