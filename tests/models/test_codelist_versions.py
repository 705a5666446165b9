"""Code-list versions: the older list of the annual reports 2018-2020, its mapping to the
current list, and what a report can show exactly for figures recorded on several versions."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.models import codelists

# The rows of the Defence table of topics 2018-2020; Zakelijke integriteit was added in 2020
# (the table prints "–" for it in 2018 and 2019), so the list of 2018 and 2019 had the others.
ANNUAL_REPORTS_2018_2020 = ["Intimidatie", "Seksuele intimidatie", "Agressie", "Stalking",
                            "Discriminatie", "Pesten/treiteren", "Kwaadspreken",
                            "Zakelijke integriteit", "Overige"]
LIST_2018 = [c for c in ANNUAL_REPORTS_2018_2020 if c != "Zakelijke integriteit"]


def test_the_older_list_has_the_eight_categories_of_2018_and_2019() -> None:
    older = codelists.load("2018.1")
    assert (older.id, older.version) == (codelists.CODELIST_ID, "2018.1")
    assert [t.nl for t in older.topics] == LIST_2018
    assert older.withdrawn == {"zakelijke_integriteit"}  # taken off by the correction
    assert all(t.en and t.en != t.code for t in older.topics)  # an English gloss for each
    assert "2018.1" in codelists.known_versions()


def test_every_older_version_maps_onto_a_partition_of_the_current_topics() -> None:
    current = {t.code for t in codelists.load().topics}
    for version in codelists.known_versions():
        mapping = codelists.mapping(version)
        covered = [c for block in mapping.blocks for c in block] + list(mapping.absent)
        assert sorted(covered) == sorted(current), version
        assert set(mapping.topics) == {t.code for t in codelists.load(version).topics}


def test_the_2018_mapping_is_the_annual_reports_mapping() -> None:
    m = codelists.mapping("2018.1")
    business = {t.code for g in codelists.load().topic_groups if g.code == "zakelijke_integriteit"
                for t in g.topics}
    assert m.topics["agressie"] == {"agressie_geweld"}
    assert m.absent == business and "zakelijke_integriteit" not in m.topics
    assert codelists.did_not_exist(["2018.1"]) == business
    assert codelists.did_not_exist(["2018.1", "2026.1"]) == set()  # it existed in part
    assert codelists.did_not_exist([]) == set()
    assert m.topics["overige"] == {"arbeidsconflict", "priveomstandigheden", "werkdruk_inzet",
                                   "thuisfront", "overig"}
    assert m.counts({"overige": 4, "pesten": 2, "agressie": 1}) == {
        **dict.fromkeys(m.blocks, 0), m.topics["overige"]: 4, frozenset({"pesten"}): 2,
        frozenset({"agressie_geweld"}): 1}


def test_common_blocks_are_the_finest_rows_every_version_tells_apart() -> None:
    singletons = codelists.common_blocks(["2026.1"])
    assert all(len(b) == 1 for b in singletons) and len(singletons) == len(
        codelists.load().topics)
    old = codelists.mapping("2018.1")
    assert set(codelists.common_blocks(["2018.1", "2026.1"])) == set(old.blocks) | {
        frozenset({t}) for t in old.absent}
    assert codelists.common_blocks([]) == singletons
    # a quarter of both lists adds up on 2018.1, where no file counts a business topic
    assert codelists.exact_version(["2018.1", "2026.1"]) == "2018.1"
    assert codelists.convert_topics({"thuisfront": 2, "overschrijding_regels": 0},
                                    "2026.1", "2018.1")["overige"] == 2
    with pytest.raises(ValueError, match="overschrijding_regels"):
        codelists.convert_topics({"overschrijding_regels": 1}, "2026.1", "2018.1")


@pytest.fixture
def resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the resources folder the code lists are read from."""
    root = tmp_path / "resources"
    shutil.copytree(Path(codelists.__file__).resolve().parents[2] / "resources" / "codelists",
                    root / "codelists")
    monkeypatch.setattr(codelists, "resources_dir", lambda: root)
    codelists.load.cache_clear()
    codelists.mapping.cache_clear()
    yield root
    codelists.load.cache_clear()
    codelists.mapping.cache_clear()


def _edit_mapping(root: Path, change: dict[str, list[str]]) -> None:
    path = root / "codelists" / "mappings" / "vp-onderwerpen-2018.1-to-2026.1.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["topics"].update(change)
    path.write_text(json.dumps(raw), encoding="utf-8")


@pytest.mark.parametrize("change,problem", [
    ({"agressie": ["agressie_geweld", "pesten"]}, "exactly once"),  # pesten twice
    ({"overige": ["arbeidsconflict", "priveomstandigheden"]}, "exactly once"),  # overig lost
    ({"nieuw": ["thuisfront"]}, "every topic of 2018.1"),
    ({"overige": ["arbeidsconflict", "priveomstandigheden", "werkdruk_inzet", "thuisfront",
                  "overig", "overig_zakelijk"]}, "exactly once"),  # also "did not exist"
])
def test_a_mapping_that_is_no_partition_is_refused(resources: Path, change: dict[str, list[str]],
                                                   problem: str) -> None:
    _edit_mapping(resources, change)
    with pytest.raises(ValueError, match=problem):
        codelists.mapping("2018.1")


def test_an_older_list_must_keep_the_other_lists(resources: Path) -> None:
    path = resources / "codelists" / "vp-onderwerpen-2018.1.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["contact_modes"] = raw["contact_modes"][:-1]
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="contact_modes"):
        codelists.mapping("2018.1")
