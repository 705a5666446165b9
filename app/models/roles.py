"""The roles a register's profile can hold, and the component code of the central level (a
module of its own, so the command line and the vault need no file-format code for them)."""

from __future__ import annotations

ROLES = ("vp", "coordinator", "central")
CENTRAL_COMPONENT = "DEFENSIE"  # the component of the central level and of its files
