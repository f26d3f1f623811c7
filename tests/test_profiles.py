from __future__ import annotations

from pathlib import Path

import pytest

from crawler.profiles import ProfileError, load_profile, load_target, profile_from_url

BUNDLED = sorted((Path(__file__).parent.parent / "crawler" / "profiles").glob("*.toml"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_profiles_load(path: Path) -> None:
    profile = load_profile(path)
    assert profile.name and profile.domains and profile.start_urls
    assert all(profile.allows_host(url) for url in profile.start_urls)


def test_bare_url_profile_covers_its_host_only() -> None:
    profile = profile_from_url("https://www.example.org/news/")
    assert profile.domains == ("example.org",)
    assert profile.allows_host("https://example.org/a") and profile.allows_host("https://sport.example.org/b")
    assert not profile.allows_host("https://example.com/a")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('name = "x"\nstart_urls = ["https://x.org/"]\ndomain = "x.org"\n', "unknown key 'domain'"),
        ('start_urls = ["https://x.org/"]\n', "key 'name' is required"),
        ('name = "x"\n', "key 'start_urls' must list at least one URL"),
        ('name = "x"\nstart_urls = ["ftp://x.org/"]\n', "key 'start_urls': 'ftp://x.org/' is not"),
        ('name = "x"\nstart_urls = ["https://x.org/"]\nfeeds = 3\n', "key 'feeds' must be a list of strings"),
        ('name = "x"\nstart_urls = ["https://x.org/"]\n[articles]\nallow = ["("]\n', "key 'articles.allow'"),
        (
            'name = "x"\nstart_urls = ["https://x.org/"]\n[clutter]\nselectors = ["div[["]\n',
            "clutter.selectors",
        ),
        ('name = "x"\nstart_urls = ["https://x.org/"]\nsource_priority = "high"\n', "source_priority"),
        (
            'name = "x"\nstart_urls = ["https://x.org/"]\n[articles]\nalow = []\n',
            "unknown key 'articles.alow'",
        ),
        ('name = "x\n', "not valid TOML"),
    ],
)
def test_bad_profiles_name_file_and_key(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_profile_overrides_only_what_it_sets(tmp_path: Path) -> None:
    path = write(
        tmp_path, 'name = "Wire"\nstart_urls = ["https://www.wire.example/"]\nsource_priority = 10\n'
    )
    profile = load_target(str(path))
    assert profile.domains == ("wire.example",)
    assert profile.source_priority == 10
    assert profile.follow_links and profile.discover_sitemaps
    assert profile.clutter_selectors == ()


def test_unknown_target_is_a_clear_error() -> None:
    with pytest.raises(ProfileError, match="not a URL"):
        load_target("no-such-outlet")
