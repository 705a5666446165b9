from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.storage import vault
from tests.conftest import PASSPHRASE


@pytest.fixture(scope="session")
def coordinator_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("coord-template") / "register"
    reg, _ = vault.create_register(folder, PASSPHRASE, roles=("coordinator",), component="CLAS")
    reg.close()
    return folder


@pytest.fixture(scope="session")
def central_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("central-template") / "register"
    reg, _ = vault.create_register(folder, PASSPHRASE, roles=("central",), component="DEFENSIE")
    reg.close()
    return folder


@pytest.fixture
def coordinator_dir(coordinator_template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "coordinator"
    shutil.copytree(coordinator_template, folder)
    return folder


@pytest.fixture
def coordinator(coordinator_dir: Path) -> Iterator[vault.Register]:
    reg = vault.unlock(coordinator_dir, PASSPHRASE)
    yield reg
    reg.close()


@pytest.fixture
def central(central_template: Path, tmp_path: Path) -> Iterator[vault.Register]:
    folder = tmp_path / "central"
    shutil.copytree(central_template, folder)
    reg = vault.unlock(folder, PASSPHRASE)
    yield reg
    reg.close()
