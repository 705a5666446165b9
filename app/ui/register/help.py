"""Help, offline: F1 opens the bundled user guide (docs/, Dutch or English) at the section for
the screen in use, and "About Vertrouwd" says which version this is, under which licence, with
which SQLCipher, and where this installation keeps its data.

A screen says which section is its own with ``set_help_topic(widget, "export")``; F1 looks for
the nearest such widget around the keyboard focus (a tab page, a dialog). The guides are
rendered from their Markdown by QTextBrowser; links to other bundled documents open in the
same window, links out of the program are never followed (there is no network).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import paths
from app.i18n import _, current_language
from app.ui.shared.accessible import name
from app.ui.shared.screen import fit_to_screen
from app.ui.shared.style import set_role

if TYPE_CHECKING:  # the unlock window shows help before the database stack is loaded
    from app.services.about import AboutFacts

HELP_TOPIC = "help_topic"
PREFERRED_SIZE = QSize(820, 760)

GUIDES = {"nl": Path("nl") / "handleiding.md", "en": Path("user-guide.md")}

# topic -> the heading of its section in each guide (tests/ui/test_help.py checks they exist).
TOPICS: dict[str, dict[str, str]] = {
    "first-start": {"en": "The first time", "nl": "De eerste keer"},
    "unlock": {"en": "Unlocking", "nl": "Ontgrendelen"},
    "contact": {"en": "Every day: recording a contact moment",
                "nl": "Dagelijks: een contactmoment vastleggen"},
    "activities": {"en": "Activities and the year overview",
                   "nl": "Activiteiten en het jaaroverzicht"},
    "overview": {"en": "Activities and the year overview",
                 "nl": "Activiteiten en het jaaroverzicht"},
    "undo": {"en": "Undo", "nl": "Ongedaan maken"},
    "export": {"en": "Every quarter: the summary for the coordinator",
               "nl": "Elk kwartaal: het overzicht voor de coördinator"},
    "cards": {"en": "Every quarter: the summary for the coordinator",
              "nl": "Elk kwartaal: het overzicht voor de coördinator"},
    "settings": {"en": "Backups and moving the register",
                 "nl": "Back-ups en het register verplaatsen"},
    "coordination": {"en": "Part 2 — for coordinators and the central level",
                     "nl": "Deel 2 — voor de coördinator en het centrale niveau"},
    "keyboard": {"en": "Keyboard, screen reader and screen size",
                 "nl": "Toetsenbord, schermlezer en schermgrootte"},
}


def set_help_topic(widget: QWidget, topic: str) -> None:
    if topic not in TOPICS:
        raise ValueError(f"no help topic {topic!r}")
    widget.setProperty(HELP_TOPIC, topic)


def topic_for(widget: QWidget | None) -> str | None:
    """The help topic of the screen ``widget`` is on: its own, or the nearest ancestor's."""
    current = widget
    while current is not None:
        if isinstance(current, QTabWidget) and current.currentWidget() is not None:
            page_topic = current.currentWidget().property(HELP_TOPIC)
            if page_topic:
                return str(page_topic)
        topic = current.property(HELP_TOPIC)
        if topic:
            return str(topic)
        current = current.parentWidget()
    return None


def guide_path(lang: str | None = None) -> Path:
    lang = lang or current_language()
    return paths.docs_dir() / GUIDES.get(lang, GUIDES["nl"])


class HelpWindow(QDialog):
    def __init__(self, parent: QWidget | None = None, topic: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("help_window")
        self.setWindowTitle(_("User guide"))
        self.browser = QTextBrowser()
        self.browser.setObjectName("help_browser")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._follow)
        name(self.browser, _("User guide"),
             _("The user guide of Vertrouwd. Arrow keys and Page Down scroll; Tab moves to the "
               "links."))
        self.message = QLabel()
        set_role(self.message, "error")
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.path = guide_path()
        self.load(self.path)
        if topic:
            self.show_topic(topic)
        fit_to_screen(self, PREFERRED_SIZE)

    def load(self, path: Path) -> bool:
        if not path.is_file():
            self.message.setText(_("The user guide is missing from this installation: {path}")
                                 .format(path=path))
            self.message.show()
            return False
        self.path = path
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(path)))
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        return True

    def heading(self, topic: str) -> str:
        lang = "nl" if self.path.name == GUIDES["nl"].name else "en"
        return TOPICS[topic][lang]

    def show_topic(self, topic: str) -> bool:
        """Scroll to the section of ``topic``; False when the guide has no such heading."""
        doc = self.browser.document()
        found = doc.find(self.heading(topic), 0, QTextDocument.FindFlag.FindCaseSensitively)
        while not found.isNull() and found.block().blockFormat().headingLevel() == 0:
            found = doc.find(self.heading(topic), found,
                             QTextDocument.FindFlag.FindCaseSensitively)
        if found.isNull():
            return False
        cursor = QTextCursor(found.block())
        self.browser.setTextCursor(cursor)
        self.browser.verticalScrollBar().setValue(
            int(self.browser.document().documentLayout().blockBoundingRect(
                found.block()).top()))
        return True

    def _follow(self, url: QUrl) -> None:
        if url.isLocalFile() or url.isRelative():
            target = Path(url.toLocalFile()) if url.isLocalFile() else \
                (self.path.parent / url.path()).resolve()
            if target.suffix == ".md" and target.is_file():
                self.load(target)
                return
        # Anything else (a web address, a missing file) is not followed: the program works
        # offline and nothing leaves the laptop.


def open_help_for(widget: QWidget | None, parent: QWidget | None = None) -> HelpWindow:
    owner = parent or (widget.window() if widget is not None else None)
    window = HelpWindow(owner, topic_for(widget))
    window.show()
    window.raise_()
    window.activateWindow()
    window.browser.setFocus()
    return window


class AboutDialog(QDialog):
    def __init__(self, facts: AboutFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(_("About Vertrouwd"))
        heading = QLabel(_("Vertrouwd {version}").format(version=facts.version))
        set_role(heading, "heading")
        intro = QLabel(_("The encrypted register of the confidants of Defence and their "
                         "coordinators. Works without a network; nothing leaves this computer "
                         "unless you write a file."))
        intro.setWordWrap(True)
        form = QFormLayout()
        rows = [
            (_("Version"), facts.version),
            (_("Licence"), _("{licence} (European Union Public Licence)").format(
                licence=facts.licence)),
            (_("Encryption"), _("SQLCipher {version}, AES-256").format(version=facts.sqlcipher)),
            (_("Python"), facts.python),
            (_("Register folder"), str(facts.register_dir) if facts.register_dir else "–"),
            (_("Backup folder"), str(facts.backup_dir)),
            (_("Settings file"), str(facts.settings_file)),
            (_("Log files"), str(facts.log_dir)),
            (_("Portable mode"), _("yes") if facts.portable else _("no")),
        ]
        self.values: dict[str, QLabel] = {}
        for caption, value in rows:
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(caption, shown)
            self.values[caption] = shown
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.facts = facts
