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
    report_language,
    side_by_side,
)
from app.i18n import N_, _, format_date, format_minutes, format_number
from app.models import codelists
from app.models.codelists import Code, CodeLists
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


def _export_status(status: ExportStatus | None) -> list[Flowable]:
    if status is None:
        return [para(_("Not exported yet."), "body")]
    sealed_text = (_("signed and sealed to the coordinator") if status.sealed
                   else _("signed, not sealed"))
    return [
        para(_("Exported as revision {revision} ({sealed}); file fingerprint:").format(
            revision=status.revision, sealed=sealed_text), "body"),
        para(status.fingerprint, "fingerprint"),
    ]


def _code_rows(items: Sequence[Code], counts: Mapping[str, int], lang: str,
               *, only_nonzero: bool = False) -> list[list[Cell]]:
    return [[item.label(lang), counts.get(item.code, 0)] for item in items
            if not only_nonzero or counts.get(item.code, 0)]


def _totals_table(m: Measures) -> Flowable:
    activity_minutes = sum(m.minutes_activities.values())

    def time(minutes: int) -> Right:
        return Right(_("{duration} ({minutes} min)").format(
            duration=format_minutes(minutes), minutes=format_number(minutes)))

    rows: list[list[Cell]] = [
        [_("New cases (first contact in the quarter)"), m.cases_new],
        [_("Cases closed in the quarter"), m.cases_closed],
        [_("Cases open at the end of the quarter"), m.cases_open_end],
        [_("First contacts"), m.contacts_first],
        [_("Follow-up contacts"), m.contacts_followup],
        [_("Time spent on contact moments"), time(m.minutes_contacts)],
        [_("Time spent on activities outside cases"), time(activity_minutes)],
        [Bold(_("Total time")), Bold(time(m.minutes_contacts + activity_minutes))],
    ]
    return data_table([_("Measure"), _("This quarter")], rows, total_rows=[7],
                      col_widths=[CONTENT_WIDTH * 0.62, CONTENT_WIDTH * 0.38])


def _topics_table(m: Measures, lists: CodeLists, lang: str) -> Flowable:
    rows: list[list[Cell]] = []
    groups: list[int] = []
    for group in lists.topic_groups:
        total = sum(m.topics.get(t.code, 0) for t in group.topics)
        if len(group.topics) == 1:  # a group of one topic (labour conflict): one row
            rows.append([Bold(group.label(lang)), Bold(total)])
            continue
        groups.append(len(rows))
        rows.append([Bold(group.label(lang)), Bold(total)])
        for topic in group.topics:
            rows.append([Indented(topic.label(lang)), m.topics.get(topic.code, 0)])
            if topic.code == "discriminatie":
                for ground in lists.discrimination_grounds:
                    n = m.discrimination_grounds.get(ground.code, 0)
                    if n:
                        rows.append([Indented(_("ground: {ground}").format(
                            ground=ground.label(lang)), 2), n])
    return data_table([_("Topic (new cases carrying it)"), _("Cases")], rows, group_rows=groups,
                      col_widths=[CONTENT_WIDTH * 0.8, CONTENT_WIDTH * 0.2])


def _half_table(title: str, header: Sequence[str], rows: list[list[Cell]],
                total: int | Right) -> list[Flowable]:
    rows = [*rows, [Bold(_("Total")), Bold(total)]]
    return [para(title, "h2"),
            data_table(header, rows, total_rows=[len(rows) - 1],
                       col_widths=[HALF_WIDTH * 0.64, HALF_WIDTH * 0.36])]


def _detail_tables(m: Measures, lists: CodeLists, lang: str) -> list[Flowable]:
    """Modes, outcomes, referrals and activities, two by two."""
    modes = _half_table(_("Contact modes"), [_("Contact mode"), _("Contacts")],
                        _code_rows(lists.contact_modes, m.modes, lang), sum(m.modes.values()))
    outcomes = _half_table(_("Outcomes of closed cases"), [_("Outcome"), _("Cases")],
                           _code_rows(lists.outcomes, m.outcomes, lang),
                           sum(m.outcomes.values()))
    referrals = _half_table(_("Referrals made"), [_("Referred to"), _("Number")],
                            _code_rows(lists.referral_targets, m.referrals, lang),
                            sum(m.referrals.values()))
    activities = _half_table(
        _("Activities outside cases"), [_("Activity"), _("Time")],
        [[k.label(lang), Right(format_minutes(m.minutes_activities.get(k.code, 0)))]
         for k in lists.activity_kinds],
        Right(format_minutes(sum(m.minutes_activities.values()))))
    return [side_by_side(modes, outcomes), side_by_side(referrals, activities)]


def _charts(series: Sequence[tuple[Quarter, Measures]]) -> Flowable:
    labels = [str(q) for q, _m in series]
    new_cases = [m.cases_new for _q, m in series]
    minutes = [m.minutes_contacts + sum(m.minutes_activities.values()) for _q, m in series]
    return side_by_side(
        bar_chart(labels, new_cases, title=_("New cases per quarter")),
        bar_chart(labels, [n / 60 for n in minutes],
                  title=_("Hours per quarter (contacts and activities)"),
                  value_label=lambda v: format_number(round(v))),
    )


def render_vp_quarter_pdf(facts: VpQuarterFacts, *, lang: str | None = None,
                          now: dt.datetime | None = None,
                          app_version: str = __version__) -> bytes:
    """The overview as PDF bytes; ``lang`` None renders in the current language.

    ``now`` (the generation time printed in the footer) and ``app_version`` (in the header) are
    the only inputs besides ``facts``: fixed, they give the same bytes on every platform."""
    quarter, measures = facts.quarter, facts.measures
    lists = codelists.load(facts.codelist_version)
    with report_language(lang) as language:
        title = _("Quarterly overview {quarter}").format(quarter=quarter)
        meta = ReportMeta(title=title, generated_at=now or dt.datetime.now(),
                          subject=_("Confidant's own record of the quarter"),
                          app_version=app_version)
        story: list[Flowable] = [
            para(title, "title"),
            markup("{register_label} <b>{code}</b> · {component_label} <b>{component}</b> · "
                   "{period}", "body",
                   register_label=_("Register"), code=facts.code,
                   component_label=_("Component"),
                   component=lists.label(lists.components, facts.component, language),
                   period=_("{start} to {end}").format(start=format_date(quarter.start, "long"),
                                                       end=format_date(quarter.end, "long"))),
            Spacer(1, 1.5 * mm),
            *_export_status(facts.export),
        ]
        if measures.is_zero():
            story.append(para(_("Nil return: no cases, contacts or activities in this quarter. "
                                "A nil return is a report too."), "banner"))
        story += [
            para(_("Totals"), "h2"),
            _totals_table(measures),
            Spacer(1, 3 * mm),
            _charts(facts.series),
            para(_("Topics"), "h2"),
            _topics_table(measures, lists, language),
            *_detail_tables(measures, lists, language),
        ]
        story += [
            Spacer(1, 4 * mm),
            para(_(DEFINITIONS_SENTENCE), "small"),
            para(_(NO_MEMO_SENTENCE), "small"),
            para(_("Topic list {id} version {version}.").format(id=lists.id,
                                                               version=lists.version), "small"),
        ]
        return render_pdf(meta, story)
