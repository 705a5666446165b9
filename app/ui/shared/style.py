"""The program's look in one place: a calm light palette, one style sheet, the spacing, and
what a text *is* (an error, a warning, a note, a heading) rather than what colour it has.

Widgets never choose colours: they call ``set_role(label, "error")`` and the style sheet below
says how an error looks. Every colour pair text is drawn in is listed in ``TEXT_PAIRS``, so the
accessibility test can check each against WCAG 2.1 AA (4.5:1 for text, 3:1 for the focus ring
and chart bars) — the same table the style sheet is made from, so the check cannot drift from
what is shown.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QStyle, QStyleFactory, QWidget

# The palette, by what each colour is for.
COLORS: dict[str, str] = {
    "window": "#f3f4f6",
    "base": "#ffffff",
    "alternate": "#eef2f7",
    "text": "#1a1d21",
    "button": "#e6e9ee",
    "muted": "#4b5563",  # notes, paths, empty states
    "placeholder": "#5c6470",
    "disabled": "#7c8490",  # WCAG exempts disabled controls; still readable
    "accent": "#1f5f99",  # selection, the focus ring, the highlighted bar
    "accent_text": "#ffffff",
    "error": "#a1122a",
    "warning": "#7a4a00",
    "ok": "#1b5e20",
    "banner": "#fff4e5",
    "banner_border": "#b45309",
    "notice": "#fff3cd",
    "bar": "#5b7fa6",  # chart bars other than the highlighted one
    "rule": "#8d95a1",
    "tooltip": "#fffbe6",
}

# Text roles a widget can take (``set_role``) and the colours they are drawn in.
ROLES = ("error", "warning", "ok", "note", "heading", "banner", "notice", "empty", "demo",
         "subheading")

# (what, foreground, background): every pair text is drawn in. Checked against 4.5:1.
TEXT_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("text on window", "text", "window"),
    ("text on base", "text", "base"),
    ("text on alternate rows", "text", "alternate"),
    ("text on buttons", "text", "button"),
    ("selected text", "accent_text", "accent"),
    ("placeholder", "placeholder", "base"),
    ("note on window", "muted", "window"),
    ("note on base", "muted", "base"),
    ("error on window", "error", "window"),
    ("error on base", "error", "base"),
    ("warning on window", "warning", "window"),
    ("warning on base", "warning", "base"),
    ("ok on window", "ok", "window"),
    ("banner text", "text", "banner"),
    ("notice text", "text", "notice"),
    ("demo marker", "accent_text", "error"),
    ("tooltip", "text", "tooltip"),
)
# (what, colour, background): graphics that must stand out at 3:1 (WCAG 1.4.11, 2.4.7).
GRAPHIC_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("focus ring on window", "accent", "window"),
    ("focus ring on base", "accent", "base"),
    ("focus ring on buttons", "accent", "button"),
    ("chart bar", "bar", "window"),
    ("highlighted chart bar", "accent", "window"),
)

def color(name: str) -> QColor:
    return QColor(COLORS[name])


def _luminance(c: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def contrast(foreground: QColor, background: QColor) -> float:
    """The WCAG 2.1 contrast ratio of two colours (1 to 21)."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "window",
        QPalette.ColorRole.WindowText: "text",
        QPalette.ColorRole.Base: "base",
        QPalette.ColorRole.AlternateBase: "alternate",
        QPalette.ColorRole.Text: "text",
        QPalette.ColorRole.Button: "button",
        QPalette.ColorRole.ButtonText: "text",
        QPalette.ColorRole.BrightText: "accent_text",
        QPalette.ColorRole.Highlight: "accent",
        QPalette.ColorRole.HighlightedText: "accent_text",
        QPalette.ColorRole.PlaceholderText: "placeholder",
        QPalette.ColorRole.ToolTipBase: "tooltip",
        QPalette.ColorRole.ToolTipText: "text",
        QPalette.ColorRole.Link: "accent",
        QPalette.ColorRole.LinkVisited: "accent",
    }
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, name in roles.items():
            p.setColor(group, role, color(name))
    for role, name in roles.items():
        p.setColor(QPalette.ColorGroup.Disabled, role, color(name))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, color("disabled"))
    p.setColor(QPalette.ColorRole.Mid, color("rule"))
    p.setColor(QPalette.ColorRole.Dark, QColor("#6b7280"))
    p.setColor(QPalette.ColorRole.Shadow, QColor("#4b5563"))
    p.setColor(QPalette.ColorRole.Light, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.Midlight, QColor("#f9fafb"))
    return p


def style_sheet() -> str:
    c = COLORS
    return f"""
QLabel[role="error"] {{ color: {c["error"]}; }}
QLabel[role="warning"] {{ color: {c["warning"]}; }}
QLabel[role="ok"] {{ color: {c["ok"]}; }}
QLabel[role="note"] {{ color: {c["muted"]}; }}
QLabel[role="empty"] {{ color: {c["muted"]}; padding: 12px; }}
QLabel[role="heading"] {{ font-size: 15px; font-weight: 600; padding: 2px 0px 4px 0px; }}
QLabel[role="subheading"] {{ font-weight: 600; }}
QLabel[role="banner"] {{ background: {c["banner"]}; color: {c["text"]};
    border: 1px solid {c["banner_border"]}; border-radius: 4px; padding: 6px;
    font-weight: 600; }}
QLabel[role="notice"] {{ background: {c["notice"]}; color: {c["text"]}; border-radius: 4px;
    padding: 6px; }}
QLabel[role="demo"] {{ background: {c["error"]}; color: {c["accent_text"]};
    padding: 2px 8px; }}
QToolTip {{ background: {c["tooltip"]}; color: {c["text"]}; border: 1px solid {c["rule"]}; }}
QStatusBar QLabel {{ padding: 0px 4px; }}
"""


def base_style() -> QStyle:
    """Fusion: the same on every platform, so the palette and the contrast checks hold on
    Windows as on Linux. (Not a Python QProxyStyle: PySide calls it for every metric of every
    paint, and one with overrides crashed the interpreter at exit.)"""
    style = QStyleFactory.create("Fusion")
    assert style is not None
    return style


def set_role(widget: QWidget, role: str) -> None:
    """Say what a text is ("error", "warning", "note", "heading", ...); "" for plain text."""
    if role and role not in ROLES:
        raise ValueError(f"unknown text role {role!r}")
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def monospace(point_size: int = 0, bold: bool = False) -> QFont:
    """A fixed-width font for codes and fingerprints (read aloud group by group)."""
    from PySide6.QtGui import QFontDatabase

    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if point_size:
        font.setPointSize(point_size)
    font.setBold(bold)
    return font
