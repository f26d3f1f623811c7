"""Settings of newscorpus: each one declared once, as a field of the config dataclass that uses it.

Why fields: a stage's config is a frozen dataclass whose defaults are the documented values, usable without
Scrapy (benchmarks, tests, ``newscorpus extract``). Declaring the Scrapy setting on the field itself
(:func:`setting`) keeps the name, the default and the type in one place, and :func:`from_settings` reads every
config in the same way: a setting not given keeps the field's default, whatever the settings module says.
``crawler/settings.py`` therefore holds Scrapy's own settings only; ``tests/test_settings.py`` checks that every
``NEWSCORPUS_*`` name the code reads is declared here or on a config, once, and listed in the README.

Options that several stages and the crawl share (the run, what the corpus keeps) are declared here, in
:class:`RunOptions` and :class:`CorpusOptions`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, TypeVar

from pipelines.dates import parse_since
from pipelines.language.codes import parse_languages

T = TypeVar("T")

_SETTING = "newscorpus_setting"
_CONVERT = "newscorpus_convert"
_NESTED = "newscorpus_nested"

#: Environment variables of newscorpus (not Scrapy settings), with what they mean.
ENVIRONMENT = {
    "NEWSCORPUS_CACHE_DIR": "folder of the model cache (default: $XDG_CACHE_HOME/newscorpus)",
    "NEWSCORPUS_REDIS_URL": "default of --redis-url",
}


def setting(name: str, default: Any, convert: Callable[[Any], Any] | None = None) -> Any:
    """A config field read from the Scrapy setting ``name``.

    ``convert`` turns the raw value into the field's value; without it the value is read as the default's type
    (``getbool``, ``getint``, ``getfloat``, else as given)."""
    return field(default=default, metadata={_SETTING: name, _CONVERT: convert})


def nested(config: type[Any]) -> Any:
    """A config field holding another config, read with :func:`from_settings` too."""
    return field(default_factory=config, metadata={_NESTED: config})


def from_settings(cls: type[T], settings: Any, **given: Any) -> T:
    """``cls`` with each declared setting read from Scrapy ``settings`` (a setting not given, or given as an empty
    string, keeps the field's default); ``given`` sets fields directly."""
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name in given:
            continue
        if _NESTED in f.metadata:
            values[f.name] = from_settings(f.metadata[_NESTED], settings)
            continue
        name = f.metadata.get(_SETTING)
        if name is None:
            continue
        raw = settings.get(name)
        if raw is None or raw == "":
            continue
        convert = f.metadata.get(_CONVERT)
        if convert is not None:
            try:
                values[f.name] = convert(raw)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{name}: {exc}") from None
        elif isinstance(f.default, bool):
            values[f.name] = settings.getbool(name)
        elif isinstance(f.default, int):
            values[f.name] = settings.getint(name)
        elif isinstance(f.default, float):
            values[f.name] = settings.getfloat(name)
        else:
            values[f.name] = raw
    return cls(**values, **given)


def declared(cls: type[Any]) -> dict[str, Any]:
    """The settings a config class declares, nested configs included: name -> default."""
    out: dict[str, Any] = {}
    for f in fields(cls):
        if _NESTED in f.metadata:
            out.update(declared(f.metadata[_NESTED]))
        elif _SETTING in f.metadata:
            out[f.metadata[_SETTING]] = f.default
    return out


def is_config(value: Any) -> bool:
    """Whether ``value`` is a config class declaring settings."""
    return isinstance(value, type) and dataclasses.is_dataclass(value) and bool(declared(value))


def optional_int(value: Any) -> int | None:
    """``0`` (or less) means "no limit"."""
    number = int(value)
    return number if number > 0 else None


def as_aware_datetime(value: Any) -> datetime | None:
    """An ISO time as the commands write it (``--since`` is made absolute before it becomes a setting)."""
    return parse_since(str(value)) if value else None


def as_languages(value: str | Iterable[str] | None) -> frozenset[str]:
    """``"en,ko"`` or ``["en", "ko"]`` -> ``{"en", "ko"}`` (codes normalised); empty means every language."""
    return parse_languages(value)


#: What ``--tdm`` takes: keep every article and record its rights, or drop those whose publisher reserved TDM.
TDM_MODES = ("record", "exclude")


def as_tdm_mode(value: Any) -> str:
    """``record`` or ``exclude`` (``--tdm``)."""
    mode = str(value).strip().lower()
    if mode not in TDM_MODES:
        raise ValueError(f"{value!r} is not one of {', '.join(TDM_MODES)}")
    return mode


@dataclass(frozen=True)
class RunOptions:
    """The run a crawl writes: ``OUT/runs/<run_id>/``; ``resume`` continues that folder instead of starting it."""

    out: str = setting("NEWSCORPUS_OUT", "output")
    run_id: str | None = setting("NEWSCORPUS_RUN_ID", None, str)
    resume: bool = setting("NEWSCORPUS_RESUME", False)


@dataclass(frozen=True)
class CorpusOptions:
    """What the corpus keeps, shared by discovery (before fetching) and the stages (after extraction).

    - ``since``, ``until``: articles published earlier, or later, are skipped (sitemap, feed and archive dates
      before fetching, the page's date after extraction; undated articles are kept);
    - ``languages``: only these languages are kept (empty: every language);
    - ``max_articles``: the run stops after writing this many (None: no limit);
    - ``tdm``: ``record`` keeps every article with its ``rights``; ``exclude`` drops the articles whose publisher
      reserved text and data mining (``rights/tdm-reserved``).
    """

    since: datetime | None = setting("NEWSCORPUS_SINCE", None, as_aware_datetime)
    until: datetime | None = setting("NEWSCORPUS_UNTIL", None, as_aware_datetime)
    languages: frozenset[str] = setting("NEWSCORPUS_LANGUAGES", frozenset(), as_languages)
    max_articles: int | None = setting("NEWSCORPUS_MAX_ARTICLES", None, optional_int)
    tdm: str = setting("NEWSCORPUS_TDM", "record", as_tdm_mode)

    @property
    def exclude_reserved(self) -> bool:
        return self.tdm == "exclude"
