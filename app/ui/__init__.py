"""The windows. Importing this package first makes None, True and False outlive PySide6's
lost references (app/ui/shared/refcounts.py)."""

from app.ui.shared.refcounts import keep_singletons_alive

keep_singletons_alive()
