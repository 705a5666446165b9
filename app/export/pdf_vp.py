"""The confidant's own PDF record of a quarter: the figures that went (or will go) to the
coordinator, with translated labels, a chart against the seven quarters before, and the
fingerprint of the exported file. Aggregates only: no memo, no date finer than the quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from app import __version__
from app.export.measures import Measures
from app.export.measures import label as measure_label
from app.export.pdf_common import (
    CONTENT_WIDTH,
    HALF_WIDTH,
    Bold,
    Cell,
    Indented,
    ReportMeta,
    Right,
    bar_chart,
    data_table,
    markup,
    para,
    render_pdf,
    side_by_side,
)
from app.export.report_model import DATE_PATTERN
from app.i18n import N_, Translator, translator
from app.models import codelists
from app.models.codelists import DISCRIMINATION, Code, CodeLists
from app.models.periods import Quarter

CHART_QUARTERS = 8

DEFINITIONS_SENTENCE = N_(
    "Topics are not cases: each topic counts the new cases of this quarter that carry it, and "
    "a case can carry several topics, so the topic counts can add up to more than the number "
    "of new cases. Hours are the sum of the recorded durations."
)
NO_MEMO_SENTENCE = N_(
    "This overview contains counts only: no memo, no names and no dates finer than the quarter."
)


@dataclass(frozen=True)
class ExportStatus:
    revision: int
    fingerprint: str
    sealed: bool


@dataclass(frozen=True)
class VpQuarterFacts:
    """Everything the overview shows, as plain values: rendering needs no register."""

    quarter: Quarter
    code: str
    component: str
    codelist_version: str
    measures: Measures
    series: tuple[tuple[Quarter, Measures], ...]  # CHART_QUARTERS quarters, oldest first
    export: ExportStatus | None


def _export_status(status: ExportStatus | None, t: Translator) -> list[Flowable]:
    if status is None:
        return [para(t._("Not exported yet."), "body")]
    sealed_text = (t._("signed and sealed to the coordinator") if status.sealed
                   else t._("signed, not sealed"))
    return [
        para(t._("Exported as revision {revision} ({sealed}); file fingerprint:").format(
            revision=status.revision, sealed=sealed_text), "body"),
        para(status.fingerprint, "fingerprint"),
    ]


def _code_rows(items: Sequence[Code], counts: Mapping[str, int], lang: str,
               *, only_nonzero: bool = False) -> list[list[Cell]]:
    return [[item.label(lang), counts.get(item.code, 0)] for item in items
            if not only_nonzero or counts.get(item.code, 0)]


def _totals_table(m: Measures, t: Translator) -> Flowable:
    activity_minutes = sum(m.minutes_activities.values())

    def time(minutes: int) -> Right:
        return Right(t._("{duration} ({minutes} min)").format(
            duration=t.format_minutes(minutes), minutes=t.format_number(minutes)))

    rows: list[list[Cell]] = [
        [measure_label(name, t), getattr(m, name)]
        for name in ("cases_new", "cases_closed", "cases_open_end", "contacts_first",
                     "contacts_followup")
    ]
    rows += [
        [measure_label("minutes_contacts", t), time(m.minutes_contacts)],
        [measure_label("minutes_activities", t), time(activity_minutes)],
        [Bold(t._("Total time")), Bold(time(m.minutes_contacts + activity_minutes))],
    ]
    return data_table([t._("Measure"), t._("This quarter")], rows, t=t, total_rows=[7],
                      col_widths=[CONTENT_WIDTH * 0.62, CONTENT_WIDTH * 0.38])


def _topics_table(m: Measures, lists: CodeLists, t: Translator) -> Flowable:
    lang = t.language
    rows: list[list[Cell]] = []
    groups: list[int] = []
    for group in lists.topic_groups:
        total = sum(m.topics.get(topic.code, 0) for topic in group.topics)
        if len(group.topics) == 1:  # a group of one topic (labour conflict): one row
            rows.append([Bold(group.label(lang)), Bold(total)])
            continue
        groups.append(len(rows))
        rows.append([Bold(group.label(lang)), Bold(total)])
        for topic in group.topics:
            rows.append([Indented(topic.label(lang)), m.topics.get(topic.code, 0)])
            if topic.code == DISCRIMINATION:
                for ground in lists.discrimination_grounds:
                    n = m.discrimination_grounds.get(ground.code, 0)
                    if n:
                        rows.append([Indented(t._("ground: {ground}").format(
                            ground=ground.label(lang)), 2), n])
    return data_table([measure_label("topics", t), t._("Cases")], rows, t=t, group_rows=groups,
                      col_widths=[CONTENT_WIDTH * 0.8, CONTENT_WIDTH * 0.2])


def _half_table(title: str, header: Sequence[str], rows: list[list[Cell]],
                total: int | Right, t: Translator) -> list[Flowable]:
    rows = [*rows, [Bold(t._("Total")), Bold(total)]]
    return [para(title, "h2"),
            data_table(header, rows, t=t, total_rows=[len(rows) - 1],
                       col_widths=[HALF_WIDTH * 0.64, HALF_WIDTH * 0.36])]


def _detail_tables(m: Measures, lists: CodeLists, t: Translator) -> list[Flowable]:
    """Modes, outcomes, referrals and activities, two by two."""
    lang = t.language
    modes = _half_table(measure_label("modes", t), [t._("Contact mode"), t._("Contacts")],
                        _code_rows(lists.contact_modes, m.modes, lang), sum(m.modes.values()), t)
    outcomes = _half_table(measure_label("outcomes", t), [t._("Outcome"), t._("Cases")],
                           _code_rows(lists.outcomes, m.outcomes, lang),
                           sum(m.outcomes.values()), t)
    referrals = _half_table(measure_label("referrals", t), [t._("Referred to"), t._("Number")],
                            _code_rows(lists.referral_targets, m.referrals, lang),
                            sum(m.referrals.values()), t)
    activities = _half_table(
        t._("Activities outside cases"), [t._("Activity"), t._("Time")],
        [[k.label(lang), Right(t.format_minutes(m.minutes_activities.get(k.code, 0)))]
         for k in lists.activity_kinds],
        Right(t.format_minutes(sum(m.minutes_activities.values()))), t)
    return [side_by_side(modes, outcomes), side_by_side(referrals, activities)]


def _charts(series: Sequence[tuple[Quarter, Measures]], t: Translator) -> Flowable:
    labels = [str(q) for q, _m in series]
    new_cases = [m.cases_new for _q, m in series]
    minutes = [m.minutes_contacts + sum(m.minutes_activities.values()) for _q, m in series]
    return side_by_side(
        bar_chart(labels, new_cases, title=t._("New cases per quarter"), t=t),
        bar_chart(labels, [n / 60 for n in minutes],
                  title=t._("Hours per quarter (contacts and activities)"), t=t,
                  value_label=lambda v: t.format_number(round(v))),
    )


def render_vp_quarter_pdf(facts: VpQuarterFacts, *, lang: str | None = None,
                          now: dt.datetime | None = None,
                          app_version: str = __version__) -> bytes:
    """The overview as PDF bytes in ``lang`` (None: the current language), which changes
    nothing process-wide.

    ``now`` (the generation time printed in the footer) and ``app_version`` (in the header) are
    the only inputs besides ``facts``: fixed, they give the same bytes on every platform."""
    quarter, measures = facts.quarter, facts.measures
    lists = codelists.load(facts.codelist_version)
    t = translator(lang)
    title = t._("Quarterly overview {quarter}").format(quarter=quarter)
    meta = ReportMeta(title=title, generated_at=now or dt.datetime.now(), translator=t,
                      subject=t._("Confidant's own record of the quarter"),
                      app_version=app_version)
    story: list[Flowable] = [
        para(title, "title"),
        markup("{register_label} <b>{code}</b> · {component_label} <b>{component}</b> · "
               "{period}", "body",
               register_label=t._("Register"), code=facts.code,
               component_label=t._("Component"),
               component=lists.label(lists.components, facts.component, t.language),
               period=t._("{start} to {end}").format(
                   start=t.format_date(quarter.start, DATE_PATTERN),
                   end=t.format_date(quarter.end, DATE_PATTERN))),
        Spacer(1, 1.5 * mm),
        *_export_status(facts.export, t),
    ]
    if measures.is_zero():
        story.append(para(t._("Nil return: no cases, contacts or activities in this quarter. "
                              "A nil return is a report too."), "banner"))
    story += [
        para(t._("Totals"), "h2"),
        _totals_table(measures, t),
        Spacer(1, 3 * mm),
        _charts(facts.series, t),
        para(t._("Topics"), "h2"),
        _topics_table(measures, lists, t),
        *_detail_tables(measures, lists, t),
        Spacer(1, 4 * mm),
        para(t._(DEFINITIONS_SENTENCE), "small"),
        para(t._(NO_MEMO_SENTENCE), "small"),
        para(t._("Topic list {id} version {version}.").format(id=lists.id,
                                                             version=lists.version), "small"),
    ]
    return render_pdf(meta, story)
