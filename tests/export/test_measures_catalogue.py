"""One catalogue of measure labels (app/export/measures.py LABELS), translated once, used by
the export preview, the confidant's PDF, the coordinator's tables and the published report."""

from __future__ import annotations

from pathlib import Path

from app.export.measures import DEFINITIONS, LABELS, MAP_MEASURES, SCALAR_MEASURES
from app.i18n import translator

ROOT = Path(__file__).resolve().parents[2]


def test_every_measure_has_one_label_and_one_definition() -> None:
    assert set(LABELS) == set(SCALAR_MEASURES + MAP_MEASURES) == set(DEFINITIONS)
    assert len(set(LABELS.values())) == len(LABELS)


def test_every_label_is_translated_into_dutch() -> None:
    dutch = translator("nl")
    untranslated = [msgid for msgid in LABELS.values() if dutch._(msgid) == msgid]
    assert untranslated == []


def test_no_view_spells_a_measure_label_itself() -> None:
    # The catalogue's msgids appear in the code only in measures.py: everyone else looks up.
    spelled = [(str(path.relative_to(ROOT)), msgid)
               for path in sorted((ROOT / "app").rglob("*.py"))
               if path.name != "measures.py"
               for msgid in LABELS.values()
               if f'"{msgid}"' in path.read_text(encoding="utf-8")]
    assert spelled == []
