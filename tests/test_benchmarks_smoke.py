"""The benchmark code must not rot: generate the smallest data set and run one scenario once."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.storage import vault
from benchmarks import generate, run
from tests.cheap_kdf import TEST_PROFILE


def test_generator_and_one_scenario(tmp_path: Path) -> None:
    folder = generate.register_folder(1_000, root=tmp_path, params=TEST_PROFILE)
    assert generate.register_folder(1_000, root=tmp_path, params=TEST_PROFILE) == folder  # cached
    reg = vault.unlock(folder, generate.PASSPHRASE)
    try:
        with reg.session() as s:
            assert s.connection().exec_driver_sql(
                "SELECT count(*) FROM contact_moment").scalar() == 1_000
    finally:
        reg.close()
    rows = run.scenario_aggregation(sizes=(1_000,), runs=1, folder_of=lambda _n: folder)
    assert len(rows) == 1 and rows[0].samples and rows[0].floor
    assert "| quarterly aggregation (1,000) |" in run.render(rows, 1.0, {"CPU": "test"})


def test_vp_files_are_importable_data(tmp_path: Path) -> None:
    vp = generate.make_vp("CLAS-T0001", seed=1)
    assert generate.make_vp("CLAS-T0001", seed=1) == vp  # deterministic keys from the seed
    import random

    from app.export import interchange

    data = generate.vp_file(vp, generate.vp_measures(random.Random(1), 2), generate.QUARTER)
    verified = interchange.read_file(data, today=generate.TODAY)
    assert verified.signer_public_key == vp.signing_public_key
    assert verified.measures.cases_new == 2


# The scenarios that took over the timings tests used to assert (tests/test_no_timing_asserts.py)
@pytest.fixture(scope="module")
def small_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate.register_folder(1_000, root=tmp_path_factory.mktemp("bench"),
                                    params=TEST_PROFILE)


def _all_measured(rows: list[run.Row]) -> None:
    assert rows and all(r.samples for r in rows), [(r.scenario, r.note) for r in rows]
    text = run.render(rows, 1.0, {"CPU": "test"})
    assert all(f"| {r.scenario} |" in text for r in rows)


def test_query_scenario(small_folder: Path) -> None:
    rows = run.scenario_queries(sizes=(1_000,), runs=1, folder_of=lambda _n: small_folder)
    _all_measured(rows)
    assert len(rows) == 5 + 2 * 9 and all(r.target for r in rows)


@pytest.mark.gui
def test_register_view_scenario(qapp: object, small_folder: Path) -> None:
    rows = run.scenario_register_view(sizes=(1_000,), runs=1, folder_of=lambda _n: small_folder)
    _all_measured(rows)
    names = {r.scenario for r in rows}
    for label in ("sort by closed", "sort by opened", "filter by status", "clear three filters",
                  "scroll one page"):
        assert f"register {label} (1,000)" in names


def test_export_and_pdf_scenario() -> None:
    row = run._vp_export_and_pdf(1, contacts=200, params=TEST_PROFILE)
    _all_measured([row])
    assert row.floor and row.target == "≤ 1.5 s"


def test_fuzz_scenario() -> None:
    rows = run.scenario_fuzz(cases=20, runs=1)
    _all_measured(rows)
    assert rows[0].floor and rows[0].target == "< 1 s"
