"""Import order and batch splits do not change the figures; importing again changes nothing."""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.export.measures import merge_all
from app.services.coordination import merging
from app.services.coordination.importing import apply_import, plan_import
from app.services.storage import vault
from tests.conftest import PASSPHRASE

from .coordination_helpers import (
    QUARTER,
    TODAY,
    enrol,
    merged_file,
    new_sender,
    random_measures,
    vp_file,
)

_rng = random.Random(5)
_VPS = [new_sender(f"CLAS-L{i:04d}") for i in range(6)]
_ACVP = new_sender("CLAS-ACVPL", role="coordinator")
_MEASURES = [random_measures(_rng) for _ in _VPS]
_FILES = [vp_file(v, m) for v, m in zip(_VPS, _MEASURES, strict=True)]
_FILES.append(merged_file(_ACVP, _FILES[:3]))  # VP files 0-2 also arrive merged


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(len(_FILES))), cut=st.integers(0, len(_FILES)),
       repeat=st.booleans())
@pytest.mark.slow
def test_order_and_batches_do_not_matter(coordinator_template: Path, order: list[int], cut: int,
                                         repeat: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reg"
        shutil.copytree(coordinator_template, folder)
        reg = vault.unlock(folder, PASSPHRASE)
        try:
            enrol(reg, *_VPS, _ACVP)
            paths = []
            for i in order:
                p = Path(tmp) / f"f{i}.json"
                p.write_bytes(_FILES[i])
                paths.append(p)
            batches = [paths[:cut], paths[cut:]] + ([paths] if repeat else [])
            for batch in batches:
                if batch:
                    apply_import(reg, plan_import(reg, batch, TODAY))
            table = merging.quarter_table(reg, QUARTER)
            assert table.measures == merge_all(_MEASURES)
            assert merging.merged_sources(table.counted) == sorted(v.code for v in _VPS)
        finally:
            reg.close()
