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

from PySide6.QtCore import QEvent, QObject, Qt, Signal
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
from app.ui.shared.accessible import caption, name
from app.ui.shared.date_field import DateField
from app.ui.shared.formatting import short_date, topic_labels
from app.ui.shared.icons import icon
from app.ui.shared.ops import ErrorLine, Ops
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
        self.topic_list.setMinimumHeight(120)
        self.topic_list.setWordWrap(True)  # whole topic names, also in a narrow column
        self.topic_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.grounds_list = QListWidget()
        self.grounds_list.setMaximumHeight(110)
        self.memo_edit = QPlainTextEdit()
        self.memo_edit.setTabChangesFocus(True)
        self.memo_edit.setFixedHeight(60)
        self.memo_warning = QLabel()
        self.memo_warning.setObjectName("memo_warning")
        self.memo_warning.setWordWrap(True)
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
        self.topics_box = self._stack(self.topic_filter, self.topic_list)
        self._add_row("topics", self.topics_box)
        self.grounds_row = self._add_row("grounds", self.grounds_list)
        self.memo_box = self._stack(self.memo_edit, self.memo_warning)
        self.memo_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
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
        self.topic_list.blockSignals(True)
        self.topic_list.clear()
        for group in self.lists.topic_groups:
            header = QListWidgetItem(group.label(lang).upper())
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            header.setData(CODE_ROLE, None)
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            self.topic_list.addItem(header)
            for topic in group.topics:
                self.topic_list.addItem(
                    _checkable(topic.label(lang), topic.code, topic.code in checked))
        self.topic_list.blockSignals(False)
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
        self.setTitle(_("New contact moment"))
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
        self.topic_filter.setPlaceholderText(_("Type to filter topics; Down, then Space to tick"))
        self.memo_edit.setPlaceholderText(
            _("Optional, for yourself only. No names, numbers or other identifying details."))
        self.save_button.setText(_("Save (Enter)"))
        if self.case_combo.count():
            self.case_combo.setItemText(0, _("New case"))
        self._fill_lists()
        self._check_memo()

    # --- state -----------------------------------------------------------------------------
    def checked_topics(self) -> list[str]:
        return [self.topic_list.item(i).data(CODE_ROLE) for i in range(self.topic_list.count())
                if self.topic_list.item(i).data(CODE_ROLE)
                and self.topic_list.item(i).checkState() == Qt.CheckState.Checked]

    def checked_grounds(self) -> list[str]:
        return [self.grounds_list.item(i).data(CODE_ROLE) for i in range(self.grounds_list.count())
                if self.grounds_list.item(i).checkState() == Qt.CheckState.Checked]

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
        show = self.is_new_case() and DISCRIMINATION in self.checked_topics()
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
        else:
            self.memo_warning.clear()
            self.memo_warning.hide()

    def reset(self) -> None:
        self.date_edit.setText(short_date(self.today()))
        self.minutes_edit.setText(str(DEFAULT_MINUTES))
        self.mode_combo.setCurrentIndex(max(self.mode_combo.findData(self._last_mode), 0))
        self.case_combo.setCurrentIndex(0)
        self.topic_filter.clear()
        self._set_checked(self.topic_list, [])
        self._set_checked(self.grounds_list, [])
        self.memo_edit.clear()
        self._clear_errors()
        self._forget_duplicate()
        self._case_changed()

    def clear_for_lock(self) -> None:
        self.detach()
        self.status_label.clear()

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

    def save(self) -> bool:
        """Save what the form holds (through the runner: the error next to its field, the
        change emitted once); the form resets after."""
        self._clear_errors()
        if self.service is None:
            return False
        service = self.service

        def work() -> Change | None:
            on = typed_input.date(self.date_edit.text(), "on", self.today())
            minutes = typed_input.minutes(self.minutes_edit.text(), "minutes")
            mode = self.mode_combo.currentData() or ""
            case_id = self.case_combo.currentData()
            if self._looks_like_duplicate(case_id, on, minutes, mode):
                return None
            if case_id is None:
                change = service.open_case(
                    on=on,
                    minutes=minutes,
                    mode=mode,
                    topics=self.checked_topics(),
                    grounds=self.checked_grounds()
                    if DISCRIMINATION in self.checked_topics()
                    else (),
                    memo=self.memo_edit.toPlainText(),
                )
                self.status_label.setText(_("New case saved."))
            else:
                change = service.add_contact(case_id, on=on, minutes=minutes, mode=mode)
                self.status_label.setText(_("Contact moment saved."))
            self._last_mode = mode
            return change

        if self.ops.now(work) is None:
            return False
        self.reset()
        self.focus_first()
        return True

    # --- keyboard --------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress:
            return False
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
