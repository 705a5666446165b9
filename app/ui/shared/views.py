"""The one way the program shows a table: rows selected whole, one at a time, read-only,
alternating colours, no row numbers, a name and a description for screen readers, and —
when it has no rows — a sentence in the middle that says what to do."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
)

from app.ui.shared.style import set_role


def table_view(model: QAbstractItemModel, *, sortable: bool = False,
               stretch_last: bool = True) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(sortable)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
    view.verticalHeader().hide()
    # Rows as high as a line of text needs, not the style's roomier default: at 150 % a
    # laptop screen shows ten cases instead of eight (issue 22, item 3).
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setHighlightSections(False)
    view.installEventFilter(SelectOnFocus(view))
    return view


class SelectOnFocus(QObject):
    """Tab into a table selects its current row (the first when none): a keyboard user lands
    on a row, not on nothing that only Space would select (issue 22)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.FocusIn and isinstance(event, QFocusEvent) \
                and event.reason() in (Qt.FocusReason.TabFocusReason,
                                       Qt.FocusReason.BacktabFocusReason):
            model, selection = self.view.model(), self.view.selectionModel()
            if model is not None and selection is not None and not selection.hasSelection() \
                    and model.rowCount() > 0:
                current = self.view.currentIndex()
                self.view.selectRow(current.row() if current.isValid() else 0)
        return False


class EmptyState(QObject):
    """A sentence over an empty table (e.g. "No cases yet — Ctrl+N records a contact
    moment"), also given to screen readers as the table's description while it is empty."""

    def __init__(self, view: QAbstractItemView, text: Callable[[], str]) -> None:
        super().__init__(view)
        self.view = view
        self.text = text
        self.description = ""
        self.label = QLabel(view.viewport())
        self.label.setObjectName("empty_state")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        set_role(self.label, "empty")
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                       model.layoutChanged):
            signal.connect(self.update)
        view.viewport().installEventFilter(self)
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._place()
        return False

    def _place(self) -> None:
        """The sentence over the viewport, whole: less padding on a short view, and a short
        view grown by what the sentence still lacks (at 150 % two lines in a 3-row table)."""
        port = self.view.viewport().rect().adjusted(8, 0, -8, 0)
        needed = self.label.heightForWidth(port.width()) if self.label.text() else 0
        spare = max(port.height() - needed, 0)
        pad = min(8, spare // 2)
        self.label.setGeometry(port.adjusted(0, pad, 0, -pad))
        if not self.label.isHidden() and port.height() < needed:
            self.view.setMinimumHeight(self.view.minimumHeight() + needed - port.height())

    def is_showing(self) -> bool:
        return not self.label.isHidden()

    def update(self, *_args: object) -> None:
        empty = self.view.model().rowCount() == 0
        text = self.text() if empty else ""
        self.label.setText(text)
        self.label.setVisible(empty and bool(text))
        self._place()
        base = self.view.accessibleDescription()
        if self.description and base.endswith(self.description):
            base = base[: -len(self.description)].rstrip()
        self.description = text
        self.view.setAccessibleDescription(f"{base} {text}".strip() if text else base)


def ok_cancel(dialog: QDialog, ok_text: str = "") -> QDialogButtonBox:
    """The OK / Cancel row of a small dialog, wired to its accept and reject; OK says
    ``ok_text`` when given."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class _FitOnShow(QObject):
    """Fits its table's columns when the table is shown: to their contents if that was asked
    while it was hidden (a table filled in a hidden tab measures only the rows its unshown
    viewport holds, and its headers in a language it may no longer show), and no column
    narrower than its header's text (after a switch of language)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self.pending = False
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.view and event.type() == QEvent.Type.Show:
            if self.pending:
                self.pending = False
                self.view.resizeColumnsToContents()
            _widen_to_headers(self.view)
        return False


def _fitter(view: QTableView) -> _FitOnShow:
    found = view.findChild(_FitOnShow, options=Qt.FindChildOption.FindDirectChildrenOnly)
    return found if isinstance(found, _FitOnShow) else _FitOnShow(view)


def _widen_to_headers(view: QTableView) -> None:
    header = view.horizontalHeader()
    last = header.count() - 1
    for column in range(header.count()):
        if header.isSectionHidden(column) or (column == last and header.stretchLastSection()):
            continue
        hint = header.sectionSizeHint(column)
        if header.sectionSize(column) < hint:
            header.resizeSection(column, hint)


def fit_columns(view: QTableView) -> None:
    """The columns as wide as their contents and headers (call it after filling the table
    and after a switch of language); a hidden table is fitted again when it is shown."""
    _fitter(view).pending = not view.isVisible()
    view.resizeColumnsToContents()


def fit_headers(view: QTableView) -> None:
    """Columns of set widths widened where a header's text needs more (after a switch of
    language), now and whenever the table is shown; never narrowed."""
    _fitter(view)
    _widen_to_headers(view)
