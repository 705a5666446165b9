"""The roles a register's profile can hold (a module of its own, so the command line can
offer them without importing the vault)."""

from __future__ import annotations

ROLES = ("vp", "coordinator", "central")
