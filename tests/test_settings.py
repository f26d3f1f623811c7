"""Every ``NEWSCORPUS_*`` setting is declared once, with its default, on the config that reads it
(``pipelines.settings``), read in one style (no inline defaults), and documented in the README's settings table."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import re
from collections import defaultdict
from pathlib import Path

from scrapy.settings import Settings

from pipelines.settings import ENVIRONMENT, CorpusOptions, RunOptions, from_settings, setting
from tests.test_layers import module_files

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"NEWSCORPUS_[A-Z0-9_]*[A-Z0-9]")


def declarations() -> dict[str, list[str]]:
    """Setting name -> the config classes declaring it (on a field of their own, not a nested config's)."""
    found: dict[str, list[str]] = defaultdict(list)
    for module_name in module_files():
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if not (isinstance(value, type) and dataclasses.is_dataclass(value)):
                continue
            if value.__module__ != module_name:
                continue  # imported here, declared elsewhere
            for f in dataclasses.fields(value):
                name = f.metadata.get("newscorpus_setting")
                if name:
                    found[name].append(f"{module_name}.{value.__qualname__}")
    return found


def names_in_code() -> dict[str, list[str]]:
    """Every string constant of the code that is a setting name, with where it stands."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in module_files().values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.fullmatch(node.value):
                found[node.value].append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_setting_read_is_declared_once() -> None:
    declared = declarations()
    twice = {name: where for name, where in declared.items() if len(where) > 1}
    assert not twice, f"declared more than once: {twice}"
    unknown = {
        name: where
        for name, where in names_in_code().items()
        if name not in declared and name not in ENVIRONMENT
    }
    assert not unknown, f"read but declared nowhere: {unknown}"
    assert len(declared) >= 60  # the check sees the configs (a broken scan would find none)


def test_settings_are_read_without_inline_defaults() -> None:
    """``settings.getint("NEWSCORPUS_X", 5)`` would be a second declaration of the default."""
    inline = []
    for path in module_files().values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get", "getbool", "getint", "getfloat", "getlist", "getdict")
                and len(node.args) >= 2
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and node.args[0].value.startswith("NEWSCORPUS_")
            ):
                inline.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.args[0].value}")
    assert not inline, "\n".join(inline)


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("|") and "NEWSCORPUS_" in line]
    listed = set(NAME.findall("\n".join(table)))
    missing = sorted((set(declarations()) | set(ENVIRONMENT)) - listed)
    assert not missing, f"not in the README's settings table: {missing}"


def test_from_settings_reads_typed_values_and_keeps_defaults() -> None:
    @dataclasses.dataclass(frozen=True)
    class Example:
        count: int = setting("NEWSCORPUS_TEST_COUNT", 3)
        share: float = setting("NEWSCORPUS_TEST_SHARE", 0.5)
        flag: bool = setting("NEWSCORPUS_TEST_FLAG", True)
        name: str | None = setting("NEWSCORPUS_TEST_NAME", None, str)
        not_a_setting: int = 7

    given = Settings(
        {"NEWSCORPUS_TEST_COUNT": "12", "NEWSCORPUS_TEST_FLAG": "false", "NEWSCORPUS_TEST_NAME": ""}
    )
    assert from_settings(Example, given) == Example(count=12, flag=False)
    assert from_settings(Example, Settings(), share=0.25) == Example(share=0.25)
    options = from_settings(
        CorpusOptions, Settings({"NEWSCORPUS_LANGUAGES": "en-GB, ko", "NEWSCORPUS_MAX_ARTICLES": 0})
    )
    assert options.languages == {"en", "ko"} and options.max_articles is None
    assert from_settings(RunOptions, Settings()).out == "output"
