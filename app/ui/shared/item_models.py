"""Qt table models over the read queries: lazy pages, sorting by the query, no stale data.

Each model holds plain rows from `app.services.confidant.queries`; `clear()` drops them (and the
register) so nothing lingers after locking.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.i18n import N_, _, format_minutes, format_number
from app.models import codelists
from app.services.confidant import queries
from app.services.storage.vault import Register
from app.ui.shared.formatting import label, short_date, topic_labels

PAGE_SIZE = 200
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class PagedTableModel(QAbstractTableModel):
    """Rows come in pages of PAGE_SIZE as the view scrolls (canFetchMore/fetchMore)."""

    columns: Sequence[tuple[str, str]] = ()  # (key, English header msgid)
    numeric: frozenset[str] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.register: Register | None = None
        self.rows: list[Any] = []
        self.total = 0
        self.sort_key = self.columns[0][0]
        self.descending = True

    # subclasses
    def _count(self) -> int:
        raise NotImplementedError

    def _page(self, offset: int, limit: int) -> list[Any]:
        raise NotImplementedError

    def _display(self, row: Any, key: str) -> str:
        raise NotImplementedError

    def sortable(self, key: str) -> bool:
        return True

    # lifecycle
    def set_register(self, register: Register | None) -> None:
        self.register = register
        self.reload()

    def clear(self) -> None:
        self.set_register(None)

    def reload(self, recount: bool = True) -> None:
        self.beginResetModel()
        self.rows = []
        if self.register is None:
            self.total = 0
        else:
            if recount:
                self.total = self._count()
            self.rows = self._page(0, PAGE_SIZE)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # Qt overrides
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self.register is not None and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        more = self._page(len(self.rows), PAGE_SIZE)
        if not more:
            self.total = len(self.rows)
            return
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.columns)):
            return _(self.columns[section][1])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        row = self.rows[index.row()]
        key = self.columns[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROW_ROLE:
            return row
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        key = self.columns[column][0]
        if not self.sortable(key):
            return
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload(recount=False)  # the order changed, not which rows match


class CaseTableModel(PagedTableModel):
    columns = (
        ("opened_on", N_("Opened")),
        ("status", N_("Status")),
        ("topics", N_("Topics")),
        ("contacts", N_("Contacts")),
        ("minutes", N_("Time")),
        ("last_contact", N_("Last contact")),
        ("closed_on", N_("Closed")),
        ("outcome", N_("Outcome")),
    )
    numeric = frozenset({"contacts", "minutes"})

    def __init__(self, parent: Any = None) -> None:
        self.filter = queries.CaseFilter()
        super().__init__(parent)

    def set_filter(self, flt: queries.CaseFilter) -> None:
        self.filter = flt
        self.reload()

    def _count(self) -> int:
        assert self.register is not None
        return queries.count_cases(self.register, self.filter)

    def _page(self, offset: int, limit: int) -> list[Any]:
        assert self.register is not None
        return queries.case_page(self.register, self.filter, sort=self.sort_key,
                                 descending=self.descending, limit=limit, offset=offset)

    def _display(self, row: queries.CaseRow, key: str) -> str:
        lists = codelists.load()
        if key in ("opened_on", "closed_on", "last_contact"):
            return short_date(getattr(row, key))
        if key == "status":
            return _("open") if row.status == "open" else _("closed")
        if key == "topics":
            return topic_labels(row.topics)
        if key == "contacts":
            return format_number(row.contacts)
        if key == "minutes":
            return format_minutes(row.minutes)
        if key == "outcome":
            return label(lists.outcomes, row.outcome)
        return str(getattr(row, key))


class ContactTableModel(PagedTableModel):
    """The contact moments of one case (a handful; loaded at once)."""

    columns = (("on", N_("Date")), ("minutes", N_("Duration")), ("mode", N_("Mode")))
    numeric = frozenset({"minutes"})

    def __init__(self, parent: Any = None) -> None:
        self.case_id: int | None = None
        super().__init__(parent)
        self.descending = False

    def set_case(self, register: Register | None, case_id: int | None) -> None:
        self.case_id = case_id
        self.set_register(register if case_id is not None else None)

    def clear(self) -> None:
        self.case_id = None
        super().clear()

    def _all(self) -> list[queries.ContactRow]:
        assert self.register is not None and self.case_id is not None
        rows = queries.contacts_of_case(self.register, self.case_id)
        rows.sort(key=lambda r: (getattr(r, self.sort_key), r.id), reverse=self.descending)
        return rows

    def _count(self) -> int:
        self._cache = self._all()
        return len(self._cache)

    def _page(self, offset: int, limit: int) -> list[Any]:
        return self._cache[offset:offset + limit]

    def _display(self, row: queries.ContactRow, key: str) -> str:
        if key == "on":
            return short_date(row.on)
        if key == "minutes":
            return format_minutes(row.minutes)
        return label(codelists.load().contact_modes, row.mode)


class ActivityTableModel(PagedTableModel):
    columns = (("on", N_("Date")), ("minutes", N_("Duration")), ("kind", N_("Kind")))
    numeric = frozenset({"minutes"})

    def __init__(self, parent: Any = None) -> None:
        self.period: str | None = None
        super().__init__(parent)

    def _count(self) -> int:
        assert self.register is not None
        return queries.count_activities(self.register, self.period)

    def _page(self, offset: int, limit: int) -> list[Any]:
        assert self.register is not None
        return queries.activity_page(self.register, self.period, sort=self.sort_key,
                                     descending=self.descending, limit=limit, offset=offset)

    def _display(self, row: queries.ActivityRow, key: str) -> str:
        if key == "on":
            return short_date(row.on)
        if key == "minutes":
            return format_minutes(row.minutes)
        return label(codelists.load().activity_kinds, row.kind)


def selected_row(view: Any) -> Any:
    """The plain row behind the current index of a view, or None."""
    index = view.currentIndex()
    return index.data(ROW_ROLE) if index.isValid() else None


Refresher = Callable[[], None]
