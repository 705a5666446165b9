"""Vertrouwd: encrypted register and quarterly reporting for Defence confidants."""

__version__ = "0.1.0"
__license__ = "EUPL-1.2"
