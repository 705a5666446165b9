"""Versioned code lists (topics, grounds, modes, outcomes, referrals, activities, components).

Dutch labels are canonical, English labels are glosses; codes are stable ASCII identifiers.
Every export names the list's id and version.

An older version ships a mapping to the current one (``resources/codelists/mappings/``): each
of its topics is the union of the current topics it lists, and the current topics it had no
category for are listed as ``did_not_exist``; together they cover every current topic exactly
once (a partition). Figures recorded on an older list are shown in the current categories where
that is exact: a topic that maps to one current topic fills that topic's row; one that maps to
several can only fill a row that adds up exactly those (a group, or a combined row); a topic
that did not exist is no figure at all for a period recorded on that list ("–", not 0). The
other lists (modes, outcomes, ...) must have the same codes in every version.

A list's ``withdrawn_topics`` are codes a file of that version may still carry with the count 0
(written before the list's content was corrected; see ``withdrawn``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.paths import resources_dir

CURRENT_VERSION = "2026.1"
CODELIST_ID = "vp-onderwerpen"
# The topic whose cases may name discrimination grounds (the list's discrimination_grounds);
# every code list must have it (load() checks).
DISCRIMINATION = "discriminatie"


@dataclass(frozen=True)
class Code:
    code: str
    nl: str
    en: str

    def label(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


@dataclass(frozen=True)
class TopicGroup:
    code: str
    nl: str
    en: str
    topics: tuple[Code, ...]

    def label(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


@dataclass(frozen=True)
class CodeLists:
    id: str
    version: str
    topic_groups: tuple[TopicGroup, ...]
    discrimination_grounds: tuple[Code, ...]
    contact_modes: tuple[Code, ...]
    outcomes: tuple[Code, ...]
    referral_targets: tuple[Code, ...]
    activity_kinds: tuple[Code, ...]
    components: tuple[Code, ...]
    # codes the version's files may carry with 0 only: a correction took them off the list
    withdrawn: frozenset[str] = frozenset()

    @property
    def topics(self) -> tuple[Code, ...]:
        return tuple(t for g in self.topic_groups for t in g.topics)

    @staticmethod
    def codes(items: tuple[Code, ...]) -> frozenset[str]:
        return frozenset(i.code for i in items)

    def label(self, items: tuple[Code, ...], code: str, lang: str) -> str:
        for i in items:
            if i.code == code:
                return i.label(lang)
        return code


def _codes(raw: list[dict[str, str]]) -> tuple[Code, ...]:
    return tuple(Code(r["code"], r["nl"], r["en"]) for r in raw)


def codelist_path(version: str) -> Path:
    return resources_dir() / "codelists" / f"{CODELIST_ID}-{version}.json"


@cache
def load(version: str = CURRENT_VERSION) -> CodeLists:
    raw = json.loads(codelist_path(version).read_text(encoding="utf-8"))
    lists = CodeLists(
        id=raw["id"],
        version=raw["version"],
        topic_groups=tuple(
            TopicGroup(g["code"], g["nl"], g["en"], _codes(g["topics"]))
            for g in raw["topic_groups"]
        ),
        discrimination_grounds=_codes(raw["discrimination_grounds"]),
        contact_modes=_codes(raw["contact_modes"]),
        outcomes=_codes(raw["outcomes"]),
        referral_targets=_codes(raw["referral_targets"]),
        activity_kinds=_codes(raw["activity_kinds"]),
        components=_codes(raw["components"]),
        withdrawn=frozenset(c["code"] for c in raw.get("withdrawn_topics", ())),
    )
    if DISCRIMINATION not in lists.codes(lists.topics):
        raise ValueError(f"code list {version} has no topic {DISCRIMINATION!r}")
    return lists


def known_versions() -> list[str]:
    prefix = f"{CODELIST_ID}-"
    return sorted(
        p.stem[len(prefix):] for p in (resources_dir() / "codelists").glob(f"{prefix}*.json")
    )


# --- from an older version to the current one ----------------------------------------------
Block = frozenset[str]  # a set of current topic codes


@dataclass(frozen=True)
class TopicMapping:
    """The topics of list ``source`` as sets of topics of the current list ``target``."""

    source: str
    target: str
    topics: Mapping[str, Block]  # source topic code -> the current topic codes it covers
    absent: Block = frozenset()  # the current topics the source list had no category for

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The partition of the current topics this version can tell apart."""
        return tuple(dict.fromkeys(self.topics.values()))

    def counts(self, counts: Mapping[str, int]) -> dict[Block, int]:
        """Counts per source topic as counts per block (every block present, zeros too)."""
        result = dict.fromkeys(self.blocks, 0)
        for code, n in counts.items():
            result[self.topics[code]] += n
        return result


def mapping_path(version: str, target: str = CURRENT_VERSION) -> Path:
    return resources_dir() / "codelists" / "mappings" / f"{CODELIST_ID}-{version}-to-{target}.json"


@cache
def mapping(version: str) -> TopicMapping:
    """How topics of list ``version`` are shown in the current list (identity for the current
    one). Raises ValueError when the shipped mapping (its topics and the topics that did not
    exist) is not a partition of the current topics or the version's other lists differ from
    the current ones."""
    current = load()
    if version == CURRENT_VERSION:
        return TopicMapping(version, version, {t.code: frozenset({t.code}) for t in current.topics})
    raw = json.loads(mapping_path(version).read_text(encoding="utf-8"))
    older = load(version)
    if (raw["id"], raw["from"], raw["to"]) != (CODELIST_ID, version, CURRENT_VERSION):
        raise ValueError(f"mapping {mapping_path(version).name} names other versions")
    topics = {code: frozenset(codes) for code, codes in raw["topics"].items()}
    if set(topics) != set(older.codes(older.topics)):
        raise ValueError(f"mapping of {version} does not name every topic of {version} once")
    absent = frozenset(raw.get("did_not_exist", ()))
    covered = [c for codes in raw["topics"].values() for c in codes] + list(
        raw.get("did_not_exist", ()))  # a list: a topic named twice is refused
    if sorted(covered) != sorted(current.codes(current.topics)) or not all(topics.values()):
        raise ValueError(f"mapping of {version} does not cover every current topic exactly once")
    for name in ("discrimination_grounds", "contact_modes", "outcomes", "referral_targets",
                 "activity_kinds", "components"):
        if older.codes(getattr(older, name)) != current.codes(getattr(current, name)):
            raise ValueError(f"code list {version} differs from {CURRENT_VERSION} in {name}")
    return TopicMapping(version, CURRENT_VERSION, topics, absent)


def did_not_exist(versions: Iterable[str]) -> frozenset[str]:
    """The current topics none of ``versions`` had a category for: figures recorded on them
    together have no count for these topics ("–"), not a zero. Empty for no versions."""
    found = [mapping(v).absent for v in versions]
    return frozenset.intersection(*found) if found else frozenset()


def common_blocks(versions: Iterable[str]) -> tuple[Block, ...]:
    """The finest partition of the current topics that every one of ``versions`` can tell
    apart: the rows that can be shown exactly for figures recorded on all of them together.
    In the order of the current list."""
    parent = {t.code: t.code for t in load().topics}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for version in versions:
        for block in mapping(version).blocks:
            first, *rest = sorted(block)
            for code in rest:
                parent[find(code)] = find(first)
    blocks: dict[str, set[str]] = {}
    for code in parent:
        blocks.setdefault(find(code), set()).add(code)
    return tuple(frozenset(b) for b in blocks.values())


def exact_version(versions: Iterable[str]) -> str | None:
    """Of ``versions``, the one in whose topics figures recorded on all of them add up
    exactly (its topics, and the topics it did not have, are their ``common_blocks``); None
    when there is none. With the current list and one older list, that is the older list: a
    count for a topic it did not have cannot go into it (``forward_version`` checks that)."""
    wanted = list(dict.fromkeys(versions))
    common = set(common_blocks(wanted))
    for version in sorted(wanted):
        m = mapping(version)
        if set(m.blocks) | {frozenset({t}) for t in m.absent} == common:
            return version
    return None


def forward_version(files: Iterable[tuple[str, Mapping[str, int]]]) -> str | None:
    """The version figures of ``files`` (each its list version and topic counts; nil returns
    left out) add up on exactly: their ``exact_version``, provided no file counts a topic that
    version did not have. None when there is none."""
    files = list(files)
    target = exact_version(version for version, _topics in files)
    if target is None:
        return None
    for version, topics in files:
        try:
            convert_topics(topics, version, target)
        except ValueError:
            return None
    return target


def convert_topics(counts: Mapping[str, int], source: str, target: str) -> dict[str, int]:
    """Counts per topic of list ``source`` as counts per topic of list ``target`` (every topic
    of ``target``, zeros too). ValueError when a topic of ``source`` is not inside one topic
    of ``target`` (the figure could not be placed exactly, e.g. a count for a topic ``target``
    did not have)."""
    into = mapping(target).topics
    result = dict.fromkeys(into, 0)
    for code, n in counts.items():
        if not n:  # nothing to place (a withdrawn code too)
            continue
        block = mapping(source).topics[code]
        found = [t for t, covers in into.items() if block <= covers]
        if len(found) != 1:
            raise ValueError(f"topic {code} of {source} is not one topic of {target}")
        result[found[0]] += n
    return result
