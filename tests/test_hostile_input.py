"""Bad input a careless user gives: each bad line skipped and counted with its number and reason, every input
that cannot be read at all refused in one line (exit 2), never a traceback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from crawler.cli import main
from tests.crawl_helpers import REPO, crawl_command
from tests.hostile_site import STORY, article_page, closed_port

PAGE = article_page("Pier rebuilt", STORY)


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def batch_file(tmp_path: Path, lines: list[bytes]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def good(rid: str, url: str = "https://site.test/2026/11/20/pier/") -> bytes:
    return json.dumps({"id": rid, "url": url, "html": PAGE}).encode()


def test_extract_batch_skips_an_invalid_utf8_line(tmp_path: Path, capsys: Any) -> None:
    path = batch_file(tmp_path, [good("a"), b'{"id": "b", "html": "\xff\xfe broken"}', good("c"), b"[1, 2]"])
    assert main(["extract", "--batch", str(path)]) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["a", None, "c", None]
    assert records[0]["text"] and records[2]["text"]
    assert records[1]["error"].startswith("input/bad-utf8") and "(line 2)" in records[1]["error"]
    assert "(line 4)" in records[3]["error"]
    assert "read 4 lines, 2 bad (invalid UTF-8 1, not an object 1)" in one_error_line(err)


@pytest.mark.parametrize("kind", ["binary", "folder"])
def test_extract_batch_refuses_what_is_no_jsonl_file(tmp_path: Path, capsys: Any, kind: str) -> None:
    if kind == "binary":
        path = tmp_path / "in.jsonl"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    else:
        path = tmp_path / "folder.jsonl"
        path.mkdir()
    assert main(["extract", "--batch", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert str(path) in one_error_line(err)


def dedupe_input(tmp_path: Path, lines: list[bytes]) -> Path:
    path = tmp_path / "texts.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def text_line(rid: str, text: str) -> bytes:
    return json.dumps({"id": rid, "url": f"https://site.test/{rid}", "text": text}).encode()


def test_dedupe_skips_an_invalid_utf8_line(tmp_path: Path, capsys: Any) -> None:
    story = "\n".join(STORY)
    path = dedupe_input(
        tmp_path, [text_line("a", story), b'{"id": "b", "text": "caf\xe9"}', text_line("c", story)]
    )
    assert main(["dedupe", str(path), "--out", str(tmp_path / "out")]) == 0
    out, _ = capsys.readouterr()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["bad_lines_by_reason"] == {"invalid UTF-8": 1}
    assert manifest["counts"]["written"] == 1 and manifest["counts"]["duplicates"] == 1
    assert "bad lines 1 (invalid UTF-8 1)" in out


def test_dedupe_skips_a_text_over_the_cap(tmp_path: Path, capsys: Any) -> None:
    huge = "word " * ((8 << 20) // 5 + 1)
    path = dedupe_input(tmp_path, [text_line("a", "\n".join(STORY)), text_line("huge", huge)])
    assert main(["dedupe", str(path), "--out", str(tmp_path / "out")]) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["bad_lines_by_reason"] == {"text too long": 1}
    assert manifest["counts"]["written"] == 1


@pytest.mark.parametrize("kind", ["binary", "folder"])
def test_dedupe_refuses_what_is_no_jsonl_file(tmp_path: Path, capsys: Any, kind: str) -> None:
    path = tmp_path / "in.jsonl"
    if kind == "binary":
        path.write_bytes(bytes(range(32)) * 200)
    else:
        path.mkdir()
    assert main(["dedupe", str(path), "--out", str(tmp_path / "out")]) == 2
    assert str(path) in one_error_line(capsys.readouterr().err)


def test_the_line_reader_counts_each_reason(tmp_path: Path) -> None:
    from pipelines.jsonl_input import BadLine, JsonlReader

    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"a": 1}\n' + b'{"b": "' + b"x" * 500 + b'"}\n' + b"\n" + b"not json\n" + b'{"c": 3}')
    reader = JsonlReader(max_line_bytes=100)
    items = list(reader.lines(path))
    assert [n for n, _ in items] == [1, 2, 4, 5]
    assert isinstance(items[1][1], BadLine) and items[1][1].reason == "line too long"
    assert items[0][1] == {"a": 1} and items[3][1] == {"c": 3}
    assert reader.summary() == "read 4 lines, 2 bad (invalid JSON 1, line too long 1)"


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00name = 'x'", b"name = 'x'\nstart_urls = ['http://s.test/']\nlanguages = ['xx']\n"],
)
def test_a_bad_profile_file_is_one_line(tmp_path: Path, content: bytes) -> None:
    profile = tmp_path / "site.toml"
    profile.write_bytes(content)
    done = _crawl(tmp_path, [str(profile)])
    assert done.returncode == 2
    assert str(profile) in one_error_line(done.stderr)


def _crawl(tmp_path: Path, targets: list[str], *extra: str) -> subprocess.CompletedProcess[str]:
    command = crawl_command(targets, tmp_path / "out", "-s", "RETRY_TIMES=0", *extra)
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--since", "99999999d"], "99999999d"),
        (["--lang", "xx-invalid"], "xx-invalid"),
        (["--lang", "en,english"], "english"),
        (["--revisit-after", "99999999999d"], "99999999999d"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(tmp_path: Path, extra: list[str], says: str) -> None:
    done = _crawl(tmp_path, ["http://127.0.0.1:8/"], *extra)
    assert done.returncode == 2, done.stderr[-2000:]
    assert says in one_error_line(done.stderr)


def test_a_port_out_of_range_is_one_line(tmp_path: Path) -> None:
    done = _crawl(tmp_path, ["http://127.0.0.1:99999/"])
    assert done.returncode == 2
    assert "99999" in one_error_line(done.stderr)


def test_out_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file")
    done = _crawl(tmp_path, ["http://127.0.0.1:8/"])
    assert done.returncode == 2
    assert "not a folder" in one_error_line(done.stderr)
    assert (tmp_path / "out").read_text() == "a file"


def test_out_that_is_not_writable_is_one_line(tmp_path: Path) -> None:
    import os

    if os.geteuid() == 0:
        # root writes anywhere: a folder under a file is the unwritable place every user has
        (tmp_path / "file").write_text("x")
        done = subprocess.run(
            crawl_command(["http://127.0.0.1:8/"], tmp_path / "file" / "out"),
            cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        done = subprocess.run(
            crawl_command(["http://127.0.0.1:8/"], locked / "out"),
            cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 2
    assert "--out" in one_error_line(done.stderr)


@pytest.mark.e2e
def test_a_start_url_whose_port_is_closed_fails_without_tracebacks(tmp_path: Path) -> None:
    done = _crawl(tmp_path, [f"http://127.0.0.1:{closed_port()}/"], "--run-id", "closed")
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert "nothing could be fetched" in done.stderr
    manifest = json.loads(
        (tmp_path / "out" / "runs" / "closed" / "manifest.json").read_text(encoding="utf-8")
    )
    assert manifest["status"] == "failed"
    assert manifest["counts"]["rejected"] >= 1
