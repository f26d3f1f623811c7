"""``newscorpus dedupe``: the stage over JSONL files, with the keep rule over the whole input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crawler.cli import main

EVAL = Path(__file__).resolve().parents[1] / "benchmarks" / "dedupe_eval"


def story(name: str) -> str:
    return (EVAL / "stories" / f"{name}.txt").read_text(encoding="utf-8")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def articles(out: Path) -> list[dict[str, Any]]:
    return [record for shard in sorted(out.glob("articles-*.jsonl")) for record in read_jsonl(shard)]


def test_dedupe_command_keeps_best_copy_and_counts_bad_lines(tmp_path: Path, capsys: Any) -> None:
    spun = (EVAL / "pairs" / "app-1-spun.txt").read_text(encoding="utf-8")
    half = "\n".join(story("rates-1").splitlines()[:4])
    lines = [
        json.dumps({"id": "spun", "url": "https://copy.example/a", "title": "Velora", "text": spun}),
        json.dumps({"id": "rates-cut", "url": "https://b.example/r", "text": half}),
        "{not json",
        json.dumps({"id": "no-text", "url": "https://c.example/x"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "clean", "url": "https://origin.example/a", "text": story("app-1"), "extra": 1}),
        json.dumps({"id": "rates", "url": "https://origin.example/r", "text": story("rates-1")}),
        json.dumps({"id": "fire", "url": "https://origin.example/f", "text": story("fire-1")}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"

    assert main(["dedupe", str(source), "--out", str(out)]) == 0

    kept = {record["id"]: record for record in articles(out)}
    assert set(kept) == {"clean", "rates", "fire"}
    assert kept["clean"]["extra"] == 1 and kept["clean"]["text"] == story("app-1")
    assert kept["clean"]["duplicates"] == {"count": 1, "ids": ["spun"]}
    assert kept["rates"]["duplicates"]["ids"] == ["rates-cut"]
    duplicates = {record["id"]: record for record in read_jsonl(out / "duplicates.jsonl")}
    assert duplicates["spun"]["duplicate_of"] == "clean" and duplicates["spun"]["kind"] in (
        "reworded",
        "near",
    )
    assert duplicates["spun"]["duplicate_of_url"] == "https://origin.example/a"
    assert duplicates["rates-cut"]["kind"] == "near" and duplicates["rates-cut"]["domain"] == "b.example"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["written"] == 3 and manifest["counts"]["duplicates"] == 2
    assert manifest["bad_lines"] == 3
    assert manifest["bad_lines_by_reason"] == {"invalid JSON": 1, "missing text": 1, "not an object": 1}
    printed = capsys.readouterr().out
    assert "kept 3" in printed and "bad lines 3" in printed


def test_dedupe_command_other_field_names_clean_and_several_inputs(tmp_path: Path) -> None:
    furnished = "Sign in\nMost Read\n" + story("vote-1") + "\nLeave a Comment\nScroll to Top"
    first = tmp_path / "a.jsonl"
    second = tmp_path / "b.jsonl"
    first.write_text(json.dumps({"doc": "v1", "link": "https://x.example/1", "body": furnished}) + "\n")
    second.write_text(
        json.dumps({"doc": "v2", "link": "https://y.example/2", "body": story("vote-1")})
        + "\n"
        + json.dumps({"link": "https://y.example/3", "body": story("final-2")})
        + "\n"
    )
    out = tmp_path / "out"
    argv = ["dedupe", str(first), str(second), "--out", str(out)]
    argv += ["--text-field", "body", "--id-field", "doc", "--url-field", "link", "--clean"]
    assert main(argv) == 0
    kept = articles(out)
    assert len(kept) == 2
    from crawler.commands.dedupe import load_cleaner

    clean = load_cleaner()
    assert {record["body"] for record in kept} == {clean(furnished), clean(story("final-2"))}
    assert {record["link"] for record in kept} >= {"https://y.example/3"}
    duplicates = read_jsonl(out / "duplicates.jsonl")
    assert len(duplicates) == 1 and duplicates[0]["kind"] in ("exact", "near")


def test_dedupe_command_missing_input(tmp_path: Path, capsys: Any) -> None:
    assert main(["dedupe", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_dedupe_command_state_dir_drops_copies_of_an_earlier_build(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "f", "url": "https://a.example/f", "text": story("fire-2")}) + "\n")
    state = tmp_path / "state"
    assert main(["dedupe", str(source), "--out", str(tmp_path / "one"), "--state-dir", str(state)]) == 0
    copy = tmp_path / "copy.jsonl"
    text = "\n".join(story("fire-2").splitlines()[:5])
    copy.write_text(json.dumps({"id": "g", "url": "https://b.example/g", "text": text}) + "\n")
    assert main(["dedupe", str(copy), "--out", str(tmp_path / "two"), "--state-dir", str(state)]) == 0
    assert articles(tmp_path / "two") == []
    assert read_jsonl(tmp_path / "two" / "duplicates.jsonl")[0]["duplicate_of"] == "f"
