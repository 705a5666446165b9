"""The benchmark code must not rot: generate the smallest data set and run one scenario once."""

from __future__ import annotations

from pathlib import Path

from app.models.keyfile import TEST_PROFILE
from app.services import vault
from app.ui.application import register_exists
from benchmarks import generate, run


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


def test_light_register_check_matches_vault(tmp_path: Path) -> None:
    assert register_exists(tmp_path) == vault.register_exists(tmp_path) is False
    vault.key_path(tmp_path).write_text("x")
    assert register_exists(tmp_path) == vault.register_exists(tmp_path) is True
