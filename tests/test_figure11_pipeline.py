"""Issue 19: the Figure-11 pipeline (tests/figure11_pipeline.py: 14 confidants → 7
coordinators → central, through the command line) shows Defence 2020 Agressie 14 and
Discriminatie 11, as Defence published them. `make bench` (scenario figure11) times it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.figure11_pipeline import (
    AGGRESSION_2020,
    DISCRIMINATION_2020,
    Counted,
    components,
    in_process,
    run_pipeline,
)
from tests.test_three_year_pipeline import _topic_cells


@pytest.mark.slow
def test_the_figure11_pipeline_shows_aggression_14_and_discrimination_11(
        tmp_path: Path) -> None:
    call = Counted(in_process)
    report = run_pipeline(tmp_path, call)
    assert len(components()) == 7
    assert call.calls > 250
    cells = _topic_cells(report.read_bytes())
    assert cells[("topic:agressie_geweld", "2020")][:2] == (str(AGGRESSION_2020), "published")
    assert cells[("topic:discriminatie", "2020")][:2] == (str(DISCRIMINATION_2020),
                                                         "published")
