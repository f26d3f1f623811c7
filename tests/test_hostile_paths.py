"""Names that become paths: a run id, a resumed run, a worker id never leave their folder, and nothing outside
the run's own folders is removed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipelines.run_names import BadName, check_name, remove_tree_within, run_folder
from tests.crawl_helpers import REPO, crawl_command
from tests.hostile_site import closed_port


@pytest.mark.parametrize("name", ["..", ".", "../..", "a/b", "/etc", "", "x\\y", "a b", "é", "a\x00b"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(BadName, match="--run-id"):
        check_name(name, "--run-id")


@pytest.mark.parametrize("name", ["20261120T080000Z-1a2b3c", "nightly.2", "host_12_ab", "a-b"])
def test_good_names_pass(name: str) -> None:
    assert check_name(name, "--run-id") == name
    assert run_folder("out", name) == Path("out") / "runs" / name


def test_removal_outside_its_folder_is_refused(tmp_path: Path) -> None:
    keep = tmp_path / "keep"
    keep.mkdir()
    (tmp_path / "jobs").mkdir()
    with pytest.raises(ValueError, match="refusing"):
        remove_tree_within(tmp_path / "jobs" / ".." / "keep", tmp_path / "jobs")
    with pytest.raises(ValueError, match="refusing"):
        remove_tree_within(tmp_path / "jobs", tmp_path / "jobs")
    link = tmp_path / "jobs" / "link"
    link.symlink_to(keep)
    with pytest.raises(ValueError, match="refusing"):
        remove_tree_within(link, tmp_path / "jobs")  # resolves outside
    assert keep.is_dir()


def _crawl(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    url = f"http://127.0.0.1:{closed_port()}/"
    command = crawl_command([url], out, "-s", "RETRY_TIMES=0", *extra)
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


def test_run_id_going_up_is_refused_and_nothing_is_deleted(tmp_path: Path) -> None:
    out = tmp_path / "nest" / "out"
    earlier = out / "runs" / "earlier"
    earlier.mkdir(parents=True)
    (earlier / "articles-00000.jsonl").write_text("{}\n")
    done = _crawl(out, "--run-id", "../..")
    assert done.returncode == 2, done.stderr[-3000:]
    assert "--run-id" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert (earlier / "articles-00000.jsonl").exists()
    assert not (tmp_path / "nest" / "manifest.json").exists()


def test_run_id_naming_an_existing_folder_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    done = _crawl(tmp_path / "out", "--run-id", str(victim))
    assert done.returncode == 2, done.stderr[-3000:]
    assert (victim / "precious.txt").read_text() == "keep me"


def test_run_id_set_as_a_setting_is_checked_too(tmp_path: Path) -> None:
    done = _crawl(tmp_path / "out", "-s", "NEWSCORPUS_RUN_ID=../x")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_resume_name_going_up_is_refused(tmp_path: Path) -> None:
    done = _crawl(tmp_path / "out", "--resume", "../../x")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_worker_id_going_up_is_refused() -> None:
    from crawler.distributed.config import check_worker_id

    with pytest.raises(ValueError, match="worker id"):
        check_worker_id("../../x")
    assert check_worker_id("host_1-a.b") == "host_1-a.b"


def test_seed_refuses_a_run_id_going_up(capsys: pytest.CaptureFixture[str]) -> None:
    from crawler.cli import main

    assert (
        main(["seed", "--redis-url", "redis://127.0.0.1:9/0", "--run-id", "../..", "http://127.0.0.1:8/"])
        == 2
    )
    assert "--run-id '../..'" in capsys.readouterr().err  # refused before Redis is even tried
