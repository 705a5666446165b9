"""One keyboard-first form for a new contact moment: a new case, or a follow-up of an open one.

Tab moves between fields, Enter saves from any field (Ctrl+Enter in the memo), Space ticks
the current topic, typing in the topic filter narrows the list. After saving the form resets
and the focus returns to the first field. A contact moment that looks like one saved minutes
ago is not saved at once: a warning says so, and a second Enter saves it anyway.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.errors import FieldError
from app.i18n import _, current_language, ngettext
from app.models import codelists
from app.models.codelists import DISCRIMINATION
from app.services.changes import Change
from app.services.confidant import queries, typed_input
from app.services.confidant.cases import CaseService
from app.services.confidant.memo_guard import check_memo
from app.ui.shared.accessible import caption, name, tell
from app.ui.shared.date_field import DateField
from app.ui.shared.formatting import short_date, topic_labels
from app.ui.shared.icons import icon
from app.ui.shared.ops import ErrorLine, Ops
from app.ui.shared.screen import WrappingLabel, scroll_into_view
from app.ui.shared.style import set_role

CODE_ROLE = Qt.ItemDataRole.UserRole + 10
DEFAULT_MINUTES = 60
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def error_label() -> ErrorLine:
    """A field's own error line (under the field)."""
    lab = ErrorLine()
    lab.setObjectName("field_error")
    return lab


def _checkable(text: str, code: str, checked: bool) -> QListWidgetItem:
    """A list item for one code, ticked or not."""
    item = QListWidgetItem(text)
    item.setData(CODE_ROLE, code)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                  | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    return item


def fill_topic_list(widget: QListWidget, lists: codelists.CodeLists, checked: set[str]) -> None:
    """The topics to tick, under their groups' headers (quick entry and edit case)."""
    lang = current_language()
    widget.blockSignals(True)
    widget.clear()
    for group in lists.topic_groups:
        header = QListWidgetItem(group.label(lang).upper())
        header.setFlags(Qt.ItemFlag.NoItemFlags)
        header.setData(CODE_ROLE, None)
        font = header.font()
        font.setBold(True)
        header.setFont(font)
        widget.addItem(header)
        for topic in group.topics:
            widget.addItem(_checkable(topic.label(lang), topic.code, topic.code in checked))
    widget.blockSignals(False)


def ticked_codes(widget: QListWidget) -> list[str]:
    """The codes ticked in a list of checkable items (headers have none)."""
    return [widget.item(i).data(CODE_ROLE) for i in range(widget.count())
            if widget.item(i).data(CODE_ROLE)
            and widget.item(i).checkState() == Qt.CheckState.Checked]


def memo_question(parent: QWidget, warning: str) -> QMessageBox:
    """Save a memo that looks like it identifies someone? "Go back" is the default: Enter
    alone saves nothing."""
    box = QMessageBox(QMessageBox.Icon.Warning, _("Check the memo"),
                      warning + "\n\n" + _("Save it anyway, or go back and change the memo?"),
                      parent=parent)
    box.setObjectName("memo_question")
    box.addButton(_("Save anyway"), QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton(_("Go back"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    return box


class QuickEntry(QGroupBox):
    saved = Signal(object)  # the services' Change of what was saved

    def __init__(
        self, today: Callable[[], dt.date] = dt.date.today, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.today = today
        self.service: CaseService | None = None
        self.lists = codelists.load()
        self._last_mode = "persoonlijk"
        self._duplicate_of: tuple[object, ...] | None = None  # warned once: Enter saves it
        self.titled = True  # False on a page of its own, whose tab says what it is
        self._memo_looked_at: str | None = None  # a memo with a warning, saved anyway
        self._make_fields()
        self._lay_out()
        self._set_tab_order()
        self._connect()
        self._fill_lists()
        self.retranslate_ui()
        self.reset()

    def _make_fields(self) -> None:
        self.date_edit = DateField(self.today)
        self.minutes_edit = QLineEdit()
        self.minutes_edit.setMaxLength(4)
        self.mode_combo = QComboBox()
        self.case_combo = QComboBox()
        self.case_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.case_combo.setMinimumContentsLength(18)
        self.topic_filter = QLineEdit()
        self.topic_list = QListWidget()
        self.topic_list.setMinimumHeight(100)
        # The spare height, no more: a list's own preference made the form scroll at 150 %.
        self.topic_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.topic_list.setWordWrap(True)  # whole topic names, also in a narrow column
        self.topic_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The ticked topics in words: a filter hides them from the list, not from here.
        self.chosen_topics = QLabel()
        self.chosen_topics.setObjectName("chosen_topics")
        self.chosen_topics.setWordWrap(True)
        set_role(self.chosen_topics, "note")
        self.chosen_topics.hide()
        self.grounds_list = QListWidget()
        self.grounds_list.setMaximumHeight(110)
        self.memo_edit = QPlainTextEdit()
        self.memo_edit.setTabChangesFocus(True)
        self.memo_edit.setFixedHeight(52)
        # Right under the memo, as high as its sentence needs (issue 22, item 4).
        self.memo_warning = WrappingLabel()
        self.memo_warning.setObjectName("memo_warning")
        set_role(self.memo_warning, "warning")
        self.memo_warning.hide()
        self.save_button = QPushButton()
        self.save_button.setObjectName("quick_save")
        self.save_button.setIcon(icon("save"))
        self.status_label = QLabel()
        self.status_label.setObjectName("quick_status")
        self.status_label.setWordWrap(True)
        set_role(self.status_label, "ok")
        self.duplicate_warning = QLabel()
        self.duplicate_warning.setObjectName("duplicate_warning")
        self.duplicate_warning.setWordWrap(True)
        set_role(self.duplicate_warning, "warning")
        self.duplicate_warning.hide()
        self.errors = {f: error_label() for f in
                       ("on", "minutes", "mode", "case", "topics", "grounds", "memo", "form")}
        self.ops = Ops(self, lambda error: self.show_error(
            error.field if isinstance(error, FieldError) else "form", error.message),
            self.saved.emit)

    def _add_row(self, key: str, widget: QWidget) -> QWidget:
        """A labelled form row: the field with its error line below it (the returned box).
        The label's buddy (its mnemonic's target) is set in ``retranslate_ui``: the field
        that takes the typing, never a container."""
        lab = QLabel()
        self.labels[key] = lab
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(widget)
        col.addWidget(self.errors[key])
        self.form.addRow(lab, box)
        return box

    @staticmethod
    def _stack(*widgets: QWidget) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        for widget in widgets:
            col.addWidget(widget)
        return box

    def _lay_out(self) -> None:
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.labels: dict[str, QLabel] = {}
        when = QWidget()
        row = QHBoxLayout(when)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.date_edit, 3)
        self.minutes_label = QLabel()
        row.addWidget(self.minutes_label)
        row.addWidget(self.minutes_edit, 1)
        self.labels["on"] = QLabel()
        self.form.addRow(self.labels["on"], when)
        self.form.addRow("", self.errors["on"])
        self.form.addRow("", self.errors["minutes"])
        self._add_row("mode", self.mode_combo)
        self._add_row("case", self.case_combo)
        self.topics_box = self._stack(self.topic_filter, self.topic_list, self.chosen_topics)
        self._add_row("topics", self.topics_box)
        self.grounds_row = self._add_row("grounds", self.grounds_list)
        self.memo_box = self._stack(self.memo_edit, self.memo_warning)
        self._add_row("memo", self.memo_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.addLayout(self.form)
        outer.addWidget(self.errors["form"])
        outer.addWidget(self.duplicate_warning)
        outer.addLayout(buttons)
        outer.addStretch(1)

    def _set_tab_order(self) -> None:
        order = (self.date_edit, self.minutes_edit, self.mode_combo, self.case_combo,
                 self.topic_filter, self.topic_list, self.grounds_list, self.memo_edit,
                 self.save_button)
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)

    def _connect(self) -> None:
        for w in (self.date_edit, self.minutes_edit, self.mode_combo, self.case_combo,
                  self.topic_filter, self.topic_list, self.grounds_list, self.memo_edit):
            w.installEventFilter(self)
        self.save_button.clicked.connect(self.save)
        self.case_combo.currentIndexChanged.connect(self._case_changed)
        self.topic_filter.textChanged.connect(self._filter_topics)
        self.topic_list.itemChanged.connect(self._topics_changed)
        self.memo_edit.textChanged.connect(self._check_memo)
        for line in (self.date_edit, self.minutes_edit, self.topic_filter):
            line.textChanged.connect(self._forget_duplicate)
        for combo in (self.mode_combo, self.case_combo):
            combo.currentIndexChanged.connect(self._forget_duplicate)
        self.topic_list.itemChanged.connect(self._forget_duplicate)

    # --- wiring ----------------------------------------------------------------------------
    def attach(self, service: CaseService) -> None:
        self.service = service
        if service.lists != self.lists:  # a register on an older topic list (historic entry)
            self.lists = service.lists
            self._fill_lists()
        self._last_mode = service.last_mode()
        self.reload_cases()
        self.reset()

    def detach(self) -> None:
        self.service = None
        self.case_combo.blockSignals(True)
        self.case_combo.clear()
        self.case_combo.addItem(_("New case"), None)
        self.case_combo.blockSignals(False)
        self.reset()

    def reload_cases(self) -> None:
        current = self.case_combo.currentData()
        self.case_combo.blockSignals(True)
        self.case_combo.clear()
        self.case_combo.addItem(_("New case"), None)
        if self.service is not None:
            for case in queries.open_cases(self.service.register):
                text = _("Opened {date}: {topics}").format(
                    date=short_date(case.opened_on), topics=topic_labels(case.topics))
                self.case_combo.addItem(text, case.id)
        found = self.case_combo.findData(current)
        self.case_combo.setCurrentIndex(max(found, 0))
        self.case_combo.blockSignals(False)
        self._case_changed()

    def _fill_lists(self) -> None:
        lang = current_language()
        checked = set(self.checked_topics())
        grounds = set(self.checked_grounds())
        fill_topic_list(self.topic_list, self.lists, checked)
        self.grounds_list.clear()
        for ground in self.lists.discrimination_grounds:
            self.grounds_list.addItem(
                _checkable(ground.label(lang), ground.code, ground.code in grounds))
        current_mode = self.mode_combo.currentData() or self._last_mode
        self.mode_combo.clear()
        for mode in self.lists.contact_modes:
            self.mode_combo.addItem(mode.label(lang), mode.code)
        self.mode_combo.setCurrentIndex(max(self.mode_combo.findData(current_mode), 0))
        self._filter_topics(self.topic_filter.text())
        self._topics_changed()

    def retranslate_ui(self) -> None:
        self.setTitle(_("New contact moment") if self.titled else "")
        caption(self.labels["on"], _("&Date"), self.date_edit)
        caption(self.minutes_label, _("&Minutes"), self.minutes_edit)
        caption(self.labels["mode"], _("M&ode"), self.mode_combo)
        caption(self.labels["case"], _("&Case"), self.case_combo)
        caption(self.labels["topics"], _("&Topics"), self.topic_filter)
        caption(self.labels["grounds"], _("&Grounds"), self.grounds_list)
        caption(self.labels["memo"], _("M&emo"), self.memo_edit)
        name(self.topic_filter, _("Filter topics"),
             _("Type part of a topic; Down moves to the list."))
        name(self.topic_list, _("Topics"),
             _("Space ticks or unticks the current topic. One or more topics per case."))
        self.date_edit.retranslate_ui()
        # short enough for the field at 150 %; the whole hint in the tooltip
        self.topic_filter.setPlaceholderText(_("Filter topics"))
        self.topic_filter.setToolTip(_("Type to filter topics; Down, then Space to tick"))
        self.memo_edit.setPlaceholderText(
            _("Optional, for yourself only. No names, numbers or other identifying details."))
        self.save_button.setText(_("Save (Enter)"))
        if self.case_combo.count():
            self.case_combo.setItemText(0, _("New case"))
        self._fill_lists()
        self._check_memo()

    def set_titled(self, titled: bool) -> None:
        self.titled = titled
        self.setTitle(_("New contact moment") if titled else "")

    # --- state -----------------------------------------------------------------------------
    def checked_topics(self) -> list[str]:
        return ticked_codes(self.topic_list)

    def checked_grounds(self) -> list[str]:
        return ticked_codes(self.grounds_list)

    def _set_checked(self, widget: QListWidget, codes: list[str]) -> None:
        for i in range(widget.count()):
            item = widget.item(i)
            if item.data(CODE_ROLE):
                item.setCheckState(Qt.CheckState.Checked if item.data(CODE_ROLE) in codes
                                   else Qt.CheckState.Unchecked)

    def is_new_case(self) -> bool:
        return self.case_combo.currentData() is None

    def _case_changed(self, *_args: Any) -> None:
        new = self.is_new_case()
        for key in ("topics", "memo"):
            self.labels[key].setVisible(new)
        self.topics_box.setVisible(new)
        self.memo_box.setVisible(new)
        self._topics_changed()

    def _topics_changed(self, *_args: Any) -> None:
        chosen = self.checked_topics()
        self.chosen_topics.setText(_("Chosen: {topics}").format(topics=topic_labels(chosen))
                                   if chosen else "")
        self.chosen_topics.setVisible(bool(chosen))
        show = self.is_new_case() and DISCRIMINATION in chosen
        self.labels["grounds"].setVisible(show)
        self.grounds_row.setVisible(show)

    def _filter_topics(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.topic_list.count()):
            item = self.topic_list.item(i)
            if item.data(CODE_ROLE) is None:
                item.setHidden(bool(needle))
            else:
                # match the label in either language, so "pest" and "bully" both find bullying
                code = item.data(CODE_ROLE)
                topic = next(t for t in self.lists.topics if t.code == code)
                haystack = f"{topic.nl} {topic.en}".lower()
                item.setHidden(bool(needle) and needle not in haystack)

    def _check_memo(self) -> None:
        warnings = check_memo(self.memo_edit.toPlainText())
        if warnings:
            text = " ".join(_(w.message) for w in warnings)
            self.memo_warning.setText(
                text + " " + _("Keep the memo free of anything that identifies a person."))
            self.memo_warning.show()
            self._warning_in_view()
        else:
            self.memo_warning.clear()
            self.memo_warning.hide()
        # what a screen reader says with the memo field (issue 22, items 4 and 8)
        tell(self.memo_edit, self.memo_warning.text())

    def _warning_in_view(self) -> None:
        """Scroll the memo warning into view once the form has made room for it."""
        QTimer.singleShot(0, self.memo_warning, lambda: scroll_into_view(self.memo_warning))

    def memo_looked_at(self) -> bool:
        """A memo with a warning gets a second look once before it is saved: a question with
        "Go back" as its default (the cursor back in the memo, nothing saved) and "Save
        anyway"."""
        memo = self.memo_edit.toPlainText()
        if not self.is_new_case() or not check_memo(memo) or memo == self._memo_looked_at:
            return True
        box = memo_question(self, self.memo_warning.text())
        box.exec()
        box.deleteLater()
        if box.buttonRole(box.clickedButton()) != QMessageBox.ButtonRole.AcceptRole:
            self.memo_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        self._memo_looked_at = memo
        return True

    def reset(self) -> None:
        self.date_edit.setText(short_date(self.today()))
        self.minutes_edit.setText(str(DEFAULT_MINUTES))
        self.mode_combo.setCurrentIndex(max(self.mode_combo.findData(self._last_mode), 0))
        self.case_combo.setCurrentIndex(0)
        self.topic_filter.clear()
        self._set_checked(self.topic_list, [])
        self._set_checked(self.grounds_list, [])
        self.memo_edit.clear()
        self._memo_looked_at = None
        self._clear_errors()
        self._forget_duplicate()
        self._case_changed()

    def clear_for_lock(self) -> None:
        self.detach()
        self.status_label.clear()
        tell(self.date_edit, "")

    def start_follow_up(self, case_id: int) -> None:
        """Ready the form for a contact moment of the open case ``case_id``: that case
        chosen, the focus on the minutes (the date is usually today)."""
        self.reload_cases()
        self.case_combo.setCurrentIndex(max(self.case_combo.findData(case_id), 0))
        self.minutes_edit.setFocus()
        self.minutes_edit.selectAll()

    def focus_first(self) -> None:
        self.date_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.date_edit.selectAll()

    def _clear_errors(self) -> None:
        for lab in self.errors.values():
            lab.clear_error()

    def show_error(self, field: str, message: str) -> None:
        self.errors.get(field, self.errors["form"]).show_error(message)
        focus = {"on": self.date_edit, "minutes": self.minutes_edit, "mode": self.mode_combo,
                 "case": self.case_combo, "topics": self.topic_filter,
                 "grounds": self.grounds_list, "memo": self.memo_edit}.get(field)
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- drafts ----------------------------------------------------------------------------
    def take_draft(self) -> dict[str, Any] | None:
        draft = {
            "on": self.date_edit.text(),
            "minutes": self.minutes_edit.text(),
            "mode": self.mode_combo.currentData(),
            "case_id": self.case_combo.currentData(),
            "topics": self.checked_topics(),
            "grounds": self.checked_grounds(),
            "memo": self.memo_edit.toPlainText(),
            "topic_filter": self.topic_filter.text(),
        }
        untouched = (draft["on"] == short_date(self.today())
                     and draft["minutes"] == str(DEFAULT_MINUTES) and draft["case_id"] is None
                     and not draft["topics"] and not draft["grounds"]
                     and not draft["memo"].strip() and not draft["topic_filter"])
        return None if untouched else draft

    def restore_draft(self, draft: dict[str, Any]) -> None:
        self.date_edit.setText(str(draft.get("on", "")))
        self.minutes_edit.setText(str(draft.get("minutes", "")))
        mode = self.mode_combo.findData(draft.get("mode"))
        if mode >= 0:
            self.mode_combo.setCurrentIndex(mode)
        case = self.case_combo.findData(draft.get("case_id"))
        self.case_combo.setCurrentIndex(max(case, 0))
        self._set_checked(self.topic_list, list(draft.get("topics", [])))
        self._set_checked(self.grounds_list, list(draft.get("grounds", [])))
        self.memo_edit.setPlainText(str(draft.get("memo", "")))
        self.topic_filter.setText(str(draft.get("topic_filter", "")))
        self._case_changed()

    # --- saving ----------------------------------------------------------------------------
    def _forget_duplicate(self, *_args: Any) -> None:
        self._duplicate_of = None
        self.duplicate_warning.hide()

    def _looks_like_duplicate(self, case_id: int | None, on: dt.date, minutes: int,
                              mode: str) -> bool:
        """Warn once about a contact moment like one saved minutes ago; the same input saved
        again right after the warning goes through."""
        assert self.service is not None
        topics = tuple(self.checked_topics()) if case_id is None else ()
        signature = (case_id, on, minutes, mode, topics)
        if self._duplicate_of == signature:
            return False
        ago = self.service.minutes_since_same_contact(case_id, on=on, minutes=minutes,
                                                      mode=mode, topics=topics)
        if ago is None:
            return False
        self._duplicate_of = signature
        self.duplicate_warning.setText(ngettext(
            "This looks like the contact moment you saved {n} minute ago (same date, duration "
            "and mode). Press Enter again to save it anyway.",
            "This looks like the contact moment you saved {n} minutes ago (same date, "
            "duration and mode). Press Enter again to save it anyway.", ago).format(n=ago))
        self.duplicate_warning.show()
        return True

    def _read_form(self) -> dict[str, Any]:
        """What the form holds, read as typed (a FieldError names the field that is wrong)."""
        case_id = self.case_combo.currentData()
        values: dict[str, Any] = {
            "on": typed_input.date(self.date_edit.text(), "on", self.today()),
            "minutes": typed_input.minutes(self.minutes_edit.text(), "minutes"),
            "mode": self.mode_combo.currentData() or "", "case_id": case_id}
        if case_id is None:
            topics = self.checked_topics()
            values.update(topics=topics, memo=self.memo_edit.toPlainText(),
                          grounds=self.checked_grounds() if DISCRIMINATION in topics else ())
        return values

    def save(self) -> bool:
        """Save what the form holds: read here, written off the GUI thread through the runner
        (the form busy meanwhile: keys wait, an error lands next to its field, the change is
        emitted once); then the form resets and the focus is back on its first field.
        Whether a save started."""
        self._clear_errors()
        if self.service is None or self.ops.busy or not self.memo_looked_at():
            return False
        service = self.service
        values = self.ops.now(self._read_form)
        if values is None:
            return False
        case_id = values.pop("case_id")
        on, minutes, mode = values["on"], values["minutes"], values["mode"]
        if self._looks_like_duplicate(case_id, on, minutes, mode):
            return False

        def write() -> Change:
            if case_id is None:
                return service.open_case(**values)
            return service.add_contact(case_id, on=on, minutes=minutes, mode=mode)

        def written(_change: Change) -> None:
            self.status_label.setText(_("New case saved.") if case_id is None
                                      else _("Contact moment saved."))
            self._last_mode = mode
            self.reset()
            self.focus_first()
            tell(self.date_edit, self.status_label.text())  # "saved", heard where the focus went

        return self.ops.run(write, written, status=self.status_label,
                            text=_("Saving…")) is not None

    # --- keyboard --------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress:
            return False
        if self.ops.busy:
            return True  # a save is being written: the form takes no keys until it has
        assert isinstance(event, QKeyEvent)
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key in ENTER_KEYS:
            if watched is self.memo_edit and not ctrl:
                return False
            if isinstance(watched, QComboBox) and watched.view().isVisible():
                return False
            self.save()
            return True
        if watched is self.topic_filter and key == Qt.Key.Key_Down:
            self._focus_first_visible_topic()
            return True
        if watched in (self.topic_list, self.grounds_list) and key == Qt.Key.Key_Space:
            assert isinstance(watched, QListWidget)
            item = watched.currentItem()
            if item is not None and item.data(CODE_ROLE):
                item.setCheckState(Qt.CheckState.Unchecked
                                   if item.checkState() == Qt.CheckState.Checked
                                   else Qt.CheckState.Checked)
            return True
        return False

    def _focus_first_visible_topic(self) -> None:
        for i in range(self.topic_list.count()):
            item = self.topic_list.item(i)
            if not item.isHidden() and item.data(CODE_ROLE):
                self.topic_list.setCurrentItem(item)
                break
        self.topic_list.setFocus(Qt.FocusReason.TabFocusReason)
