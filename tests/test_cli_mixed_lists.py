"""Issue 23 item 2: a quarter whose files use different topic-list versions. Import and dry
run say so (both languages); forward maps every file to the list where the figures add up
exactly (a nil return fits any list) instead of refusing."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest

from app import cli
from app.export import interchange
from app.export.measures import Measures
from tests.conftest import PASSPHRASE, snapshot
from tests.services.coordination_helpers import CREATED, TODAY, Sender, new_sender, write

QUARTER = "2020-Q1"


def run(*args: str, lang: str = "en") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--lang", lang, *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def file_on(sender: Sender, measures: Measures, version: str, quarter: str = QUARTER) -> bytes:
    payload = interchange.build_payload(
        measures=measures, submission_id=str(uuid.uuid4()), revision=1, supersedes=None,
        created_at=CREATED, app_version="0.1.0", level="vp",
        sender=interchange.Sender(sender.code, sender.component, sender.fingerprint),
        quarter=quarter, codelist_version=version)
    return interchange.write_file(payload, sender.key.private_key, None, today=TODAY)


def cases(topics: dict[str, int]) -> Measures:
    n = sum(topics.values())
    return Measures(cases_new=n, cases_open_end=n, contacts_first=n, minutes_contacts=60 * n,
                    topics=topics, modes={"telefoon": n})


@pytest.fixture
def coordinator(tmp_path: Path) -> list[str]:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    base = ["--register", str(tmp_path / "c"), "--passphrase-file", str(secret)]
    assert run(*base, "init", "--component", "CLAS", "--role", "coordinator")[0] == 0
    return base


def _senders(tmp_path: Path, base: list[str], *codes: str) -> list[Sender]:
    senders = [new_sender(code) for code in codes]
    for s in senders:
        card = write(tmp_path / "cards", f"{s.code}.json", s.card())
        assert run(*base, "roster-add", str(card), "--active-from", "2018-01-01")[0] == 0
    return senders


def _forwarded(folder: Path) -> dict:  # type: ignore[type-arg]
    (path,) = folder.iterdir()
    return interchange.read_file(path.read_bytes(), today=TODAY).payload


def test_a_nil_return_on_the_old_list_beside_current_files_forwards_on_the_current_list(
        tmp_path: Path, coordinator: list[str]) -> None:
    old, a, b = _senders(tmp_path, coordinator, "CLAS-OLDAA", "CLAS-NEWAA", "CLAS-NEWBB")
    files = tmp_path / "files"
    write(files, "old.json", file_on(old, Measures(), "2018.1"))
    write(files, "a.json", file_on(a, cases({"pesten": 2, "arbeidsconflict": 1}), "2026.1"))
    write(files, "b.json", file_on(b, cases({"arbeidsconflict": 3}), "2026.1"))
    before = snapshot(tmp_path / "c")
    code, out, _err = run(*coordinator, "import", "--dry-run", str(files))
    assert code == 0 and snapshot(tmp_path / "c") == before
    note = ("2020-Q1 then mixes topic-list versions (2018.1, 2026.1); it is forwarded on list "
            "2026.1, where every figure adds up exactly.")
    assert out.count(note) == 3, out
    _code, out, _err = run(*coordinator, "import", "--dry-run", str(files), lang="nl")
    assert out.count("2020-Q1 mengt dan versies van de onderwerpenlijst (2018.1, 2026.1); het "
                     "kwartaal wordt doorgestuurd op lijst 2026.1") == 3, out
    assert run(*coordinator, "import", str(files))[0] == 0
    code, out, err = run(*coordinator, "forward", "--quarter", QUARTER, "--out",
                         str(tmp_path / "up"))
    assert code == 0, err
    payload = _forwarded(tmp_path / "up")
    assert payload["codelist"]["version"] == "2026.1"
    topics = {k: v for k, v in payload["measures"]["topics"].items() if v}
    assert topics == {"pesten": 2, "arbeidsconflict": 4}
    assert payload["reporting"]["nil"] == ["CLAS-OLDAA"]
    assert sorted(s["sender_code"] for s in payload["sources"]) == [
        "CLAS-NEWAA", "CLAS-NEWBB", "CLAS-OLDAA"]


def test_old_and_current_figures_together_forward_on_the_old_list(
        tmp_path: Path, coordinator: list[str]) -> None:
    """The current list tells more apart than 2018.1: added up, the quarter has 2018.1's
    topics (arbeidsconflict and thuisfront are both 'overige' there), and the central level
    takes the file."""
    old, new = _senders(tmp_path, coordinator, "CLAS-OLDAA", "CLAS-NEWAA")
    files = tmp_path / "files"
    write(files, "old.json", file_on(old, cases({"overige": 2, "agressie": 1}), "2018.1"))
    write(files, "new.json", file_on(new, cases({"arbeidsconflict": 1, "thuisfront": 1,
                                                 "agressie_geweld": 2, "pesten": 1}), "2026.1"))
    _code, out, _err = run(*coordinator, "import", str(files))
    assert out.count("it is forwarded on list 2018.1") == 2, out
    code, _out, err = run(*coordinator, "forward", "--quarter", QUARTER, "--out",
                          str(tmp_path / "up"))
    assert code == 0, err
    payload = _forwarded(tmp_path / "up")
    assert payload["codelist"]["version"] == "2018.1"
    assert {k: v for k, v in payload["measures"]["topics"].items() if v} == {
        "overige": 4, "agressie": 3, "pesten": 1}
    assert payload["measures"]["cases_new"] == 8
    # The central level imports the component file as any other.
    central = ["--register", str(tmp_path / "central"), *coordinator[2:]]
    assert run(*central, "init", "--component", "DEFENSIE", "--role", "central")[0] == 0
    assert run(*coordinator, "card", "--out", str(tmp_path / "coord.card"))[0] == 0
    assert run(*central, "roster-add", str(tmp_path / "coord.card"), "--active-from",
               "2018-01-01")[0] == 0
    code, out, err = run(*central, "import", str(tmp_path / "up"))
    assert code == 0 and "New." in out, (out, err)
    assert payload["level"] == "component"


def test_a_count_for_a_topic_the_old_list_did_not_have_cannot_be_added_up(
        tmp_path: Path, coordinator: list[str]) -> None:
    """2018.1 had no Zakelijke integriteit: figures of a current file that counts it cannot go
    into 2018.1's topics, nor 2018.1's Overige into the current ones. The import says so before
    anything is stored, and forward refuses with its sentence and writes nothing."""
    old, new = _senders(tmp_path, coordinator, "CLAS-OLDAA", "CLAS-NEWAA")
    files = tmp_path / "files"
    write(files, "old.json", file_on(old, cases({"overige": 2}), "2018.1"))
    write(files, "new.json", file_on(new, cases({"overschrijding_regels": 1}), "2026.1"))
    _code, out, _err = run(*coordinator, "import", "--dry-run", str(files))
    assert out.count("2020-Q1 then mixes topic-list versions (2018.1, 2026.1) that cannot be "
                     "added up") == 2, out
    assert "forwarded on list" not in out
    assert run(*coordinator, "import", str(files))[0] == 0
    code, _out, err = run(*coordinator, "forward", "--quarter", QUARTER, "--out",
                          str(tmp_path / "up"))
    assert code != 0 and "cannot be added up into one summary" in err, err
    assert not (tmp_path / "up").exists() or not any((tmp_path / "up").iterdir())
