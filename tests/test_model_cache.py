"""The model cache: arrays derived once, then mapped; the word hashes and langdetect's profiles read from it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipelines.dedupe.word_quality import stable_hashes
from pipelines.model_cache import cached_arrays, source_key

ROOT = Path(__file__).resolve().parents[1]


def test_arrays_derived_once_then_mapped(tmp_path: Path) -> None:
    calls: list[int] = []

    def derive() -> dict[str, np.ndarray]:
        calls.append(1)
        return {"numbers": np.arange(5, dtype=np.int64), "names": np.array(["a", "bc"])}

    first = cached_arrays("demo", source_key("v1"), derive, tmp_path)
    second = cached_arrays("demo", source_key("v1"), derive, tmp_path)
    assert len(calls) == 1
    assert isinstance(second["numbers"], np.memmap) and not second["numbers"].flags.writeable
    assert second["numbers"].tolist() == first["numbers"].tolist() == [0, 1, 2, 3, 4]
    assert second["names"].tolist() == ["a", "bc"]
    cached_arrays("demo", source_key("v2"), derive, tmp_path)  # another source: derived afresh
    assert len(calls) == 2


def test_damaged_entry_is_derived_again_and_replaced(tmp_path: Path) -> None:
    def derive() -> dict[str, np.ndarray]:
        return {"numbers": np.arange(1000, dtype=np.int64)}

    cached_arrays("demo", "k", derive, tmp_path)
    (tmp_path / "demo-k" / "numbers.npy").write_bytes(b"\x93NUMPY garbage")
    assert cached_arrays("demo", "k", derive, tmp_path)["numbers"].sum() == 499500
    assert isinstance(cached_arrays("demo", "k", derive, tmp_path)["numbers"], np.memmap)


def test_entry_missing_an_array_is_derived_again(tmp_path: Path) -> None:
    def derive() -> dict[str, np.ndarray]:
        return {"a": np.zeros(2), "b": np.ones(2)}

    cached_arrays("demo", "k", derive, tmp_path)
    (tmp_path / "demo-k" / "b.npy").unlink()
    assert cached_arrays("demo", "k", derive, tmp_path)["b"].tolist() == [1.0, 1.0]
    assert sorted(cached_arrays("demo", "k", derive, tmp_path)) == ["a", "b"]


def test_a_failed_save_leaves_no_partial_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipelines.model_cache as model_cache

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(model_cache.np, "save", disk_full)
    arrays = cached_arrays("demo", "k", lambda: {"x": np.arange(3)}, tmp_path)
    assert arrays["x"].tolist() == [0, 1, 2]
    assert list(tmp_path.iterdir()) == []  # neither the entry nor its staging folder


def test_unwritable_folder_derives_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    arrays = cached_arrays("demo", "k", lambda: {"x": np.ones(3)}, blocker / "cache")
    assert arrays["x"].tolist() == [1.0, 1.0, 1.0]


def test_word_hashes_are_the_same_in_every_process() -> None:
    words = ["news", "News", "newspaper", "Tikkok", "서울", "Москва", "naïve", "l'été", "a", "x" * 500]
    mine = stable_hashes(words).tolist()
    assert len(set(mine)) == len(words)
    script = "import sys; from pipelines.dedupe.word_quality import stable_hashes; print(stable_hashes(sys.argv[1:]).tolist())"
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script, *words],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == str(mine)


def test_word_hashes_do_not_collide_on_a_word_list() -> None:
    import wordfreq

    words = sorted(
        {w for bucket in wordfreq.read_cBpack(wordfreq.available_languages("best")["en"]) for w in bucket}
    )
    assert len(np.unique(stable_hashes(words))) == len(words)


def test_vocabulary_and_profiles_from_the_cache_answer_as_derived(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.dedupe.word_quality import vocabulary
    from pipelines.language.langdetect_model import NgramModel

    monkeypatch.setenv("NEWSCORPUS_CACHE_DIR", str(tmp_path))
    tokens = [
        "the",
        "newspaper",
        "bytedans",
        "prognant",
        "TikTok",
        "tiktok",
    ]  # forms as word_quality gives them
    text = "Der Bundestag hat am Donnerstag ein neues Gesetz zur Förderung der Windenergie beschlossen."
    answers = []
    for _ in range(2):  # derived and saved, then read back mapped
        vocabulary.cache_clear()
        vocab = vocabulary("en")
        assert vocab is not None
        detector = NgramModel(0).detector()
        detector.append(text)
        answers.append((vocab.known(tokens).tolist(), detector.get_probabilities()[0].lang))
    vocabulary.cache_clear()
    assert answers[0] == answers[1] == ([True, True, False, False, False, True], "de")
    assert {p.name.split("-")[0] for p in tmp_path.iterdir()} == {"words", "langdetect"}
