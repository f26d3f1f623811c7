"""Results computed ahead: taken only when made from what the taking stage would use, and always removed."""

from __future__ import annotations

from pipelines import ahead


def test_taken_only_when_made_from_the_same_inputs() -> None:
    text = "The council approved the budget."
    item = {"text": text}
    ahead.leave(item, "_x", (text, "en"), 42)
    assert ahead.take(item, "_x", (item["text"], "en")) == 42
    assert "_x" not in item

    ahead.leave(item, "_x", (text, "en"), 42)
    item["text"] = text + " A later stage added this."
    assert ahead.take(item, "_x", (item["text"], "en")) is None
    assert "_x" not in item  # a stale result does not travel on to the writer

    ahead.leave(item, "_x", (item["text"], "en"), 42)
    assert ahead.take(item, "_x", (item["text"], "de")) is None
    item["_x"] = "not a pair"
    assert ahead.take(item, "_x", (item["text"], "en")) is None
    assert ahead.take(item, "_x", (item["text"], "en")) is None  # nothing left
