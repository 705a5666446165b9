"""Versioned code lists (topics, grounds, modes, outcomes, referrals, activities, components).

Dutch labels are canonical, English labels are glosses; codes are stable ASCII identifiers.
Every export names the list's id and version.
"""

from __future__ import annotations

import json
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
    )
    if DISCRIMINATION not in lists.codes(lists.topics):
        raise ValueError(f"code list {version} has no topic {DISCRIMINATION!r}")
    return lists


def known_versions() -> list[str]:
    prefix = f"{CODELIST_ID}-"
    return sorted(
        p.stem[len(prefix):] for p in (resources_dir() / "codelists").glob(f"{prefix}*.json")
    )
