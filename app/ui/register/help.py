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
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QPixmap,
    QResizeEvent,
    QShowEvent,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextOption,
    QTextTable,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
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
ABOUT_SIZE = QSize(640, 460)

GUIDES = {"nl": Path("nl") / "handleiding.md", "en": Path("user-guide.md")}

# topic -> the heading of its section in each guide (tests/ui/test_help.py checks they exist).
DAILY = {"en": "Every day: recording a contact moment",
         "nl": "Dagelijks: een contactmoment vastleggen"}
QUARTERLY = {"en": "Every quarter: the summary for the coordinator",
             "nl": "Elk kwartaal: het overzicht voor de coördinator"}
TOPICS: dict[str, dict[str, str]] = {
    "first-start": {"en": "The first time", "nl": "De eerste keer"},
    "unlock": {"en": "Unlocking", "nl": "Ontgrendelen"},
    "contact": DAILY,
    "activities": DAILY,  # the daily section says where hours outside cases go
    "overview": DAILY,
    "undo": DAILY,
    "export": QUARTERLY,
    "cards": QUARTERLY,
    "settings": {"en": "Backups", "nl": "Back-ups"},
    "coordination": {"en": "Part 2 — for coordinators and the central level",
                     "nl": "Deel 2 — voor de coördinator en het centrale niveau"},
    "keyboard": DAILY,  # entering a contact moment with the keyboard only
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
        # Long lines (a path, a table) wrap, anywhere if they must: no sideways scrolling.
        self.browser.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.browser.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.topic: str | None = None
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
        doc = self.browser.document()
        for frame in doc.rootFrame().childFrames():
            # The empty line Qt keeps after a table is laid out beside it, past the right
            # edge of a full-width table: a sideways scroll for nothing. It is not shown.
            after = doc.findBlock(frame.lastPosition() + 1)
            if isinstance(frame, QTextTable) and after.isValid() and not after.text():
                after.setVisible(False)
                doc.markContentsDirty(after.position(), after.length())
        return True

    def heading(self, topic: str) -> str:
        lang = "nl" if self.path.name == GUIDES["nl"].name else "en"
        return TOPICS[topic][lang]

    def show_topic(self, topic: str) -> bool:
        """Put the section of ``topic`` at the top of the view (again whenever the window is
        shown or resized, until another document is loaded); False when the guide has no
        such heading."""
        doc = self.browser.document()
        found = doc.find(self.heading(topic), 0, QTextDocument.FindFlag.FindCaseSensitively)
        while not found.isNull() and found.block().blockFormat().headingLevel() == 0:
            found = doc.find(self.heading(topic), found,
                             QTextDocument.FindFlag.FindCaseSensitively)
        if found.isNull():
            return False
        self.topic = topic
        self.browser.setTextCursor(QTextCursor(found.block()))
        self._scroll_to(found.block())
        return True

    def _scroll_to(self, block: QTextBlock) -> None:
        # Room below the last line, so a section near the end can reach the top as well.
        doc = self.browser.document()
        frame = doc.rootFrame().frameFormat()
        if frame.bottomMargin() != self.browser.viewport().height():
            frame.setBottomMargin(self.browser.viewport().height())
            doc.rootFrame().setFrameFormat(frame)
        doc.size()  # laid out to the end: the scroll bar's range is right
        top = doc.documentLayout().blockBoundingRect(block).top()
        self.browser.verticalScrollBar().setValue(int(top))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._follow_topic()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._follow_topic()

    def _follow_topic(self) -> None:
        """The width changed (shown, resized): pictures shrink to it, the lines wrap anew and
        the section moves."""
        self._fit_images()
        if self.topic is not None:
            self.show_topic(self.topic)

    def _fit_images(self) -> None:
        """Every picture (the screenshots) at most as wide as the view, never sideways."""
        doc = self.browser.document()
        view = self.browser.viewport().width() - int(doc.documentMargin()) - 4
        block = doc.begin()
        while block.isValid():
            shape_of = block.blockFormat()  # an indented paragraph (a list item's picture)
            room = view - int(block.layout().position().x() + shape_of.leftMargin()
                              + shape_of.indent() * doc.indentWidth())
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                fragments += 1
                shape = fragment.charFormat()
                if not shape.isImageFormat():
                    continue
                image = shape.toImageFormat()
                natural = doc.resource(QTextDocument.ResourceType.ImageResource.value,
                                       QUrl(image.name()))
                if not isinstance(natural, (QImage, QPixmap)) or natural.width() <= 0:
                    continue
                width = min(natural.width(), max(room, 40))
                if int(image.width()) == width:
                    continue
                image.setWidth(width)
                image.setHeight(natural.height() * width / natural.width())
                cursor = QTextCursor(doc)
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(),
                                   QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(image)
            block = block.next()

    def _follow(self, url: QUrl) -> None:
        if url.isLocalFile() or url.isRelative():
            target = Path(url.toLocalFile()) if url.isLocalFile() else \
                (self.path.parent / url.path()).resolve()
            if target.suffix == ".md" and target.is_file():
                self.topic = None
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
    """The facts a helpdesk asks for, each whole: the text wraps (a long path anywhere, so it
    never needs a horizontal scroll bar), can be selected with the mouse or the keyboard, and
    "Copy" puts all of it on the clipboard as it is shown."""

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
        self.rows = [
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
        self.facts_view = QPlainTextEdit()
        self.facts_view.setObjectName("about_facts")
        self.facts_view.setReadOnly(True)
        self.facts_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.facts_view.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.facts_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.facts_view.setPlainText(self.text())
        name(self.facts_view, _("About this installation"),
             _("Arrow keys move through the text, Shift with an arrow key selects, Ctrl+C "
               "copies."))
        self.copy_button = QPushButton(_("&Copy"))
        self.copy_button.setObjectName("about_copy")
        self.copy_button.setToolTip(_("Copy all of it, for the helpdesk"))
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.facts_view, 1)
        layout.addWidget(buttons)
        self.facts = facts
        fit_to_screen(self, ABOUT_SIZE)

    def text(self) -> str:
        """Every fact on a line of its own: "Caption: value"."""
        return "\n".join(f"{caption}: {value}" for caption, value in self.rows)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(
            self.windowTitle() + "\n" + self.text() + "\n")
