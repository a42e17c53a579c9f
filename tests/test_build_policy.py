"""Publishing policy of ``transkit build``: threshold, drafts with noindex, hreflang, stale notice, ITS marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import make_project, translate_catalog
from transkit.cli import main
from transkit.config import load_config
from transkit.errors import ConfigError
from transkit.pipeline import build_project, sync_project

ARTICLE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Title words</title>
<link rel="alternate" hreflang="de" href="https://old.example/de/">
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="stylesheet" href="/site.css">
</head>
<body>
<main>
<p>One two three.</p>
<p>Four <b>five</b> six seven.</p>
<p><img src="x.png" alt="A picture here"> Eight nine.</p>
</main>
</body>
</html>
"""
TR = [  # title 2 words, p 3, p 4, alt 3, p 2: 14 words
    {"msgid": "Title words", "msgstr": "Başlık sözcükleri", "state": "reviewed"},
    {"msgid": "One two three.", "msgstr": "Bir iki üç.", "state": "reviewed"},
    {"msgid": "Four <b1>five</b1> six seven.", "msgstr": "Dört <b1>beş</b1> altı yedi.", "state": "machine",
     "provenance": "mt libre 87% 2026-11-28"},
    {"msgid": "A picture here", "msgstr": "Bir resim burada", "state": "machine"},
    {"msgid": "<img1/> Eight nine.", "msgstr": "<img1/> Sekiz dokuz.", "state": "stale", "previous": "<img1/> Eight nine!"},
]
RU = [{"msgid": "Title words", "msgstr": "Слова заголовка", "state": "reviewed"}]


def project(tmp_path: Path, extra: str = "", slug: str = "a") -> Path:
    config = 'languages = ["tr", "en", "ru"]\nsegmentation = "paragraph"\n' + extra
    root = make_project(tmp_path, {f"{slug}.html": ARTICLE}, config)
    assert sync_project(load_config(root)).ok
    translate_catalog(root / "locales" / "tr" / f"{slug}.po", TR)
    translate_catalog(root / "locales" / "ru" / f"{slug}.po", RU)
    return root


def page(root: Path, language: str, slug: str = "a") -> etree._Element:
    return etree.fromstring((root / "build" / language / f"{slug}.html").read_bytes(), etree.HTMLParser())


def alternates(tree: etree._Element) -> list[tuple[str, str]]:
    return [(link.get("hreflang"), link.get("href")) for link in tree.findall(".//head/link[@hreflang]")]


# --------------------------------------------------------------------------- config


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        pytest.param("publish_threshold = 120\n", "key 'publish_threshold' must be a percentage from 0 to 100", id="range"),
        pytest.param("publish_threshold = true\n", "must be a percentage", id="bool"),
        pytest.param("[publish_threshold]\ntr = '80'\n", "key 'publish_threshold.tr' must be a percentage", id="string"),
        pytest.param("[publish_threshold]\n'x y' = 80\n", "publish_threshold.x y", id="bad-language"),
        pytest.param("stale_notice = '<p>x</p>'\n", "key 'stale_notice' must be a table", id="notice-not-table"),
        pytest.param("[stale_notice]\ntr = 'plain text'\n", "must contain at least one HTML element", id="notice-no-element"),
        pytest.param("hreflang_url = 'https://x.org/{lang}/'\n", "containing {slug}", id="url-no-slug"),
        pytest.param("hreflang_url = 'https://x.org/{slug}'\n", "must contain {lang}", id="url-no-lang"),
        pytest.param("hreflang_url = 'https://x.org/{lang}/{slug}/{id}'\n", "unknown field {id}", id="url-unknown-field"),
    ],
)
def test_config_errors(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "transkit.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}").replace(".", r"\.")):
        load_config(tmp_path)


def test_config_values(tmp_path: Path) -> None:
    (tmp_path / "transkit.toml").write_text(
        "publish_threshold = 75\n[stale_notice]\ndefault = '<p>old</p>'\n[hreflang_url]\n"
        "default = 'https://x.org/{lang}/{slug}/'\nen = 'https://x.org/{slug}/'\n",
        encoding="utf-8",
    )
    extra = load_config(tmp_path).extra
    assert extra["publish_threshold"] == {"default": 75.0}
    assert extra["stale_notice"] == {"default": "<p>old</p>"}
    assert extra["hreflang_url"] == {"default": "https://x.org/{lang}/{slug}/", "en": "https://x.org/{slug}/"}


# --------------------------------------------------------------------------- threshold and drafts


def test_below_the_threshold_a_language_is_not_built_and_the_command_says_so(tmp_path: Path) -> None:
    root = project(tmp_path, "[publish_threshold]\ndefault = 20\n")
    (root / "build" / "ru").mkdir(parents=True)
    (root / "build" / "ru" / "a.html").write_text("built before", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / "build" / "tr" / "a.html").exists()  # 5/14 words reviewed = 35.7%
    assert not (root / "build" / "ru" / "a.html").exists()  # 2/14 = 14.3%
    assert "a.html: not built: 14.3% of words translated, below publish_threshold 20%" in result.output
    assert "removed the page built earlier" in result.output
    assert page(root, "tr").find(".//meta[@name='robots']") is None


def test_per_language_threshold_and_include_fuzzy(tmp_path: Path) -> None:
    root = project(tmp_path, "[publish_threshold]\ntr = 80\n")
    report = build_project(load_config(root))
    assert [p.parent.name for p in report.changed] == ["ru"] and len(report.held_back) == 1
    report = build_project(load_config(root), include_fuzzy=True)  # drafts count once they are published: 100%
    assert sorted(p.parent.name for p in report.changed) == ["ru", "tr"] and report.held_back == []


def test_draft_builds_below_the_threshold_with_noindex(tmp_path: Path) -> None:
    root = project(tmp_path, "publish_threshold = 30\n")
    report = build_project(load_config(root), draft=True)
    assert report.held_back == []
    ru = page(root, "ru")
    assert ru.find(".//head/meta[@name='robots']").get("content") == "noindex"
    assert page(root, "tr").find(".//meta[@name='robots']") is None
    # a draft is not published: no page lists it, and it does not list itself
    assert "ru" not in [lang for lang, _ in alternates(ru)]
    assert "ru" not in [lang for lang, _ in alternates(page(root, "tr"))]


# --------------------------------------------------------------------------- hreflang


def test_hreflang_lists_exactly_the_published_languages(tmp_path: Path) -> None:
    root = project(tmp_path, "publish_threshold = 30\nhreflang_url = 'https://example.org/{lang}/{slug}.html'\n")
    build_project(load_config(root))
    tr = page(root, "tr")
    assert alternates(tr) == [
        ("tr", "https://example.org/tr/a.html"),
        ("en", "https://example.org/en/a.html"),
        ("x-default", "https://example.org/en/a.html"),
    ]
    # the stale German link is gone; the feed and the stylesheet stay
    hrefs = [link.get("href") for link in tr.findall(".//head/link")]
    assert "https://old.example/de/" not in hrefs and "/feed.xml" in hrefs and "/site.css" in hrefs


def test_default_hreflang_urls_are_relative_to_the_built_page(tmp_path: Path) -> None:
    root = project(tmp_path, "publish_threshold = 0\n", slug="news/2023/a")
    build_project(load_config(root))
    links = alternates(page(root, "tr", "news/2023/a"))
    assert links == [
        ("tr", "../../../tr/news/2023/a.html"),
        ("en", "../../../../sources/news/2023/a.html"),
        ("ru", "../../../ru/news/2023/a.html"),
        ("x-default", "../../../../sources/news/2023/a.html"),
    ]
    built = root / "build" / "tr" / "news" / "2023"
    for _, href in links:
        assert (built / href).resolve().exists(), href


def test_a_template_per_language(tmp_path: Path) -> None:
    root = project(tmp_path, "[hreflang_url]\ndefault = 'https://x.org/{lang}/{slug}/'\nen = 'https://x.org/{slug}/'\n")
    build_project(load_config(root))
    assert alternates(page(root, "ru"))[1] == ("en", "https://x.org/a/")


def test_without_publishing_config_stale_source_links_are_replaced(tmp_path: Path) -> None:
    """A source that lists alternates gets correct ones: the published languages, not the stale 'de'."""
    root = project(tmp_path)
    build_project(load_config(root))
    assert [lang for lang, _ in alternates(page(root, "tr"))] == ["tr", "en", "ru", "x-default"]


def test_without_publishing_config_a_page_without_alternates_gets_none(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"b.html": ARTICLE.replace('<link rel="alternate" hreflang="de" href="https://old.example/de/">', "")},
                        'languages = ["tr", "en"]\nsegmentation = "paragraph"\n')
    assert sync_project(load_config(root)).ok
    translate_catalog(root / "locales" / "tr" / "b.po", TR)
    build_project(load_config(root))
    assert alternates(page(root, "tr", "b")) == []


# --------------------------------------------------------------------------- notice and ITS marks


def test_stale_notice_goes_into_pages_with_stale_segments(tmp_path: Path) -> None:
    notice = """[stale_notice]\ntr = '<p class="notice">Bazı bölümler <em>güncel değil</em>.</p>'\nru = '<p class="notice">x</p>'\n"""
    root = project(tmp_path, notice)
    build_project(load_config(root))
    first = page(root, "tr").find(".//main")[0]
    assert first.get("class") == "notice" and "".join(first.itertext()) == "Bazı bölümler güncel değil."
    assert page(root, "ru").find(".//p[@class='notice']") is None  # ru has no stale segment


def test_machine_drafts_carry_its_provenance_when_published(tmp_path: Path) -> None:
    root = project(tmp_path)
    build_project(load_config(root), include_fuzzy=True)
    tree = page(root, "tr")
    machine = tree.find(".//span[@data-transkit='machine']")
    assert machine.get("its-annotators-ref") == "mt-confidence|urn:transkit:prefill:mt:libre"
    assert machine.get("its-mt-confidence") == "0.87"
    assert "".join(machine.itertext()) == "Dört beş altı yedi." and machine.find("b").text == "beş"
    stale = tree.find(".//span[@data-transkit='stale']")
    assert "".join(stale.itertext()) == " Sekiz dokuz." and stale[0].tag == "img"
    # an attribute cannot hold markup: the draft alt text is used as it is
    assert tree.find(".//img").get("alt") == "Bir resim burada"


def test_no_marks_without_include_fuzzy(tmp_path: Path) -> None:
    root = project(tmp_path)
    build_project(load_config(root))
    tree = page(root, "tr")
    assert tree.find(".//span[@data-transkit]") is None
    assert tree.find(".//img").get("alt") == "A picture here"
