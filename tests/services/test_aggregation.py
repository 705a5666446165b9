"""The quarterly measures equal hand-counted numbers, and flows add up over quarters."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from app.export.measures import sum_quarters
from app.models.periods import Quarter, quarters_of_year
from app.services.confidant import aggregation
from app.services.confidant.cases import CaseService, ReferralInput
from app.services.storage import vault

D = dt.date


def test_known_register_gives_expected_measures(register: vault.Register) -> None:
    s = CaseService(register, today=lambda: D(2026, 11, 23))
    # Case A: opened in Q2, follow-up in Q3, closed in Q3 with a referral.
    a = s.open_case(on=D(2026, 6, 20), minutes=60, mode="persoonlijk",
                    topics=["pesten", "intimidatie"]).id
    s.add_contact(a, on=D(2026, 7, 2), minutes=30, mode="telefoon")
    s.close_case(a, on=D(2026, 7, 10), outcome="doorverwezen",
                 referrals=[ReferralInput("bmw", D(2026, 7, 3))])
    # Case B: opened in Q3, two topics incl. discrimination with a ground, stays open.
    b = s.open_case(on=D(2026, 8, 1), minutes=90, mode="video",
                    topics=["discriminatie", "arbeidsconflict"], grounds=["leeftijd"]).id
    s.add_contact(b, on=D(2026, 9, 30), minutes=15, mode="email_chat")
    # Case C: opened and closed in Q3.
    c = s.open_case(on=D(2026, 9, 1), minutes=45, mode="telefoon", topics=["pesten"]).id
    s.close_case(c, on=D(2026, 9, 1), outcome="handvatten")
    s.add_activity(on=D(2026, 8, 15), minutes=120, kind="voorlichting")
    s.add_activity(on=D(2026, 10, 1), minutes=60, kind="voorlichting")  # Q4: not counted

    m = aggregation.quarter_measures(register, Quarter(2026, 3)).to_dict_sparse()
    assert (m["cases_new"], m["cases_closed"], m["cases_open_end"]) == (2, 2, 1)
    assert (m["contacts_first"], m["contacts_followup"]) == (2, 2)
    assert m["minutes_contacts"] == 30 + 90 + 15 + 45
    assert m["minutes_activities"]["voorlichting"] == 120
    assert m["topics"]["pesten"] == 1  # case A's topics were counted in Q2, when it was new
    assert m["topics"]["discriminatie"] == 1 and m["topics"]["arbeidsconflict"] == 1
    assert sum(m["topics"].values()) == 3 > m["cases_new"]  # a case can carry several topics
    assert m["discrimination_grounds"]["leeftijd"] == 1
    assert m["modes"] == {"telefoon": 2, "video": 1, "email_chat": 1}
    assert m["outcomes"]["doorverwezen"] == 1 and m["outcomes"]["handvatten"] == 1
    assert m["referrals"]["bmw"] == 1

    q2 = aggregation.quarter_measures(register, Quarter(2026, 2))
    assert (q2.cases_new, q2.cases_open_end, q2.topics["pesten"]) == (1, 1, 1)
    assert aggregation.quarter_measures(register, Quarter(2026, 1)).is_zero()


@pytest.mark.slow
def test_four_quarters_add_up_to_the_year(register: vault.Register) -> None:
    rng = random.Random(3)
    s = CaseService(register, today=lambda: D(2026, 12, 31))
    lists = s.lists
    for _ in range(120):
        start = D(2025, 10, 1) + dt.timedelta(days=rng.randrange(450))
        topics = rng.sample([t.code for t in lists.topics], rng.randint(1, 3))
        cid = s.open_case(on=start, minutes=rng.randint(10, 120), mode="telefoon", topics=topics).id
        day = start
        for _ in range(rng.randint(0, 4)):
            day += dt.timedelta(days=rng.randint(1, 40))
            if day <= D(2026, 12, 31):
                s.add_contact(cid, on=day, minutes=rng.randint(5, 90), mode="persoonlijk")
        if rng.random() < 0.7:
            close = day + dt.timedelta(days=rng.randint(0, 60))
            if close <= D(2026, 12, 31):
                s.close_case(cid, on=close, outcome=rng.choice([o.code for o in lists.outcomes]),
                             referrals=[ReferralInput("mid", close)])
        s.add_activity(on=D(2026, 1, 1) + dt.timedelta(days=rng.randrange(365)),
                       minutes=rng.randint(15, 240), kind="intervisie")

    quarters = [aggregation.quarter_measures(register, q) for q in quarters_of_year(2026)]
    year = sum_quarters(quarters)
    direct = aggregation.measures_between(register, D(2026, 1, 1), D(2026, 12, 31))
    assert year == direct  # every flow adds up, and the stock is Q4's
    assert year.cases_open_end == quarters[3].cases_open_end
    assert year.cases_new > 50 and sum(year.topics.values()) > year.cases_new
