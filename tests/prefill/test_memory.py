"""Translation memory: lookups, placeholder adaptation, the index against brute force, TMX."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from transkit.catalog.model import Catalog, Entry
from transkit.catalog.pofile import read_catalog, write_catalog
from transkit.config import load_config
from transkit.pipeline import sync_project
from transkit.prefill.memory import (
    MemoryIndex,
    MemoryUnit,
    TmxError,
    catalog_units,
    export_tmx,
    import_tmx,
    project_units,
    read_tmx,
    shape,
)


def _index(*pairs: tuple[str, str], min_similarity: float = 75.0) -> MemoryIndex:
    return MemoryIndex([MemoryUnit(s, t, f"mem{i}") for i, (s, t) in enumerate(pairs)], min_similarity)


def test_exact_match_is_renumbered_to_the_query_placeholders() -> None:
    memory = _index(("Visit of <strong2>Xi</strong2> to Moscow.<sup3/>", "Визит <strong2>Си</strong2> в Москву.<sup3/>"))
    match = memory.lookup("Visit of <strong1>Xi</strong1> to Moscow.<sup2/>")
    assert match is not None and match.exact
    assert match.target == "Визит <strong1>Си</strong1> в Москву.<sup2/>"
    assert match.origin == "mem0"


def test_fuzzy_match_above_the_threshold_only() -> None:
    memory = _index(("Following the meeting, Zelensky posted the following.", "После разговора Зеленский написал следующее."))
    close = memory.lookup("Following the meeting, Zelenski posted the following.")
    assert close is not None and not close.exact and 90 <= close.score < 100
    assert memory.lookup("Something completely different was said at the meeting.") is None


def test_threshold_is_configurable() -> None:
    pairs = ("The two countries cooperate in energy.", "Две страны сотрудничают в энергетике.")
    query = "The two countries cooperate in defense."
    score = fuzz.ratio(query, pairs[0])
    assert _index(pairs, min_similarity=score - 1).lookup(query) is not None
    assert _index(pairs, min_similarity=score + 1).lookup(query) is None


@pytest.mark.parametrize(
    ("source", "target", "query"),
    [
        pytest.param("Hello <b1>world</b1>", "Привет <b1>мир</b1>", "Hello world", id="query-has-none"),
        pytest.param("Hello <b1>world</b1>", "Привет <b1>мир</b1>", "Hello <i1>world</i1>", id="different-names"),
        pytest.param("Hello <b1>world</b1>", "Привет мир", "Hello <b1>world</b1>", id="target-dropped-markup"),
        pytest.param("Hello <b1>world</b1>", "Привет <b1>мир</b1> <b2>!</b2>", "Hello <b1>world</b1>", id="target-invents"),
    ],
)
def test_no_match_when_placeholders_do_not_correspond(source: str, target: str, query: str) -> None:
    assert _index((source, target)).lookup(query) is None


def test_a_match_that_cannot_be_adapted_gives_way_to_the_next_one() -> None:
    memory = _index(
        ("Hello <b1>dear</b1> world", "Привет мир"),  # lost its markup: unusable
        ("Hello <b1>dear</b1> world!", "Привет, <b1>дорогой</b1> мир!"),
    )
    match = memory.lookup("Hello <b1>dear</b1> world")
    assert match is not None and match.target == "Привет, <b1>дорогой</b1> мир!" and match.origin == "mem1"


def _corpus(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    syllables = ["ka", "ro", "mi", "ten", "sal", "dor", "vi", "lu", "pe", "zor", "an", "bel", "ich", "ost"]
    vocabulary = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(4000)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]  # Zipf-like, as in real text
    return [" ".join(rng.choices(vocabulary, weights, k=rng.randint(4, 30))) + "." for _ in range(count)]


def _edit(sentence: str, rng: random.Random) -> str:
    words = sentence.split(" ")
    for _ in range(rng.randint(0, 2)):
        index = rng.randrange(len(words))
        words[index] = words[index][::-1]
    return " ".join(words)


def test_index_finds_what_brute_force_finds() -> None:
    """The candidate filter must not lose matches: compare with rapidfuzz over every unit."""
    sources = _corpus(3000, seed=7)
    memory = MemoryIndex([MemoryUnit(s, f"T{i}", "m") for i, s in enumerate(sources)], 75.0)
    rng = random.Random(11)
    shapes = [shape(s) for s in sources]
    checked = 0
    for sentence in rng.sample(sources, 200):
        query = _edit(sentence, rng)
        best = process.extractOne(shape(query), shapes, scorer=fuzz.ratio, score_cutoff=75.0)
        match = memory.lookup(query)
        if best is None:
            assert match is None
            continue
        checked += 1
        assert match is not None, query
        expected = 100.0 if best[1] == 100 else min(best[1], 99.0)
        assert match.score == pytest.approx(expected)
    assert checked > 150


def test_catalog_memory_is_human_work_only() -> None:
    catalog = Catalog(entries=(
        Entry("Reviewed", "Проверено"),
        Entry("Draft", "Черновик", flags=("fuzzy",)),
        Entry("Empty"),
        Entry("Old wording", "Старая формулировка", obsolete=True),
        Entry("Old draft", "Старый черновик", flags=("fuzzy",), obsolete=True),
    ))
    units = list(catalog_units(catalog, "locales/ru/a.po"))
    assert [(u.source, u.target) for u in units] == [("Reviewed", "Проверено"), ("Old wording", "Старая формулировка")]


ARTICLE = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body><p>{body}</p></body></html>"""


def _project(tmp_path: Path) -> Path:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.html").write_text(ARTICLE.format(lang="en", title="Alpha", body="Good morning."), encoding="utf-8")
    (tmp_path / "sources" / "b.html").write_text(ARTICLE.format(lang="tr", title="Beta", body="Günaydın."), encoding="utf-8")
    (tmp_path / "transkit.toml").write_text('languages = ["en", "tr", "ru"]\n', encoding="utf-8")
    sync_project(load_config(tmp_path))
    _translate(tmp_path / "locales/ru/a.po", {"Alpha": "Альфа", "Good morning.": "Доброе утро."})
    _translate(tmp_path / "locales/ru/b.po", {"Beta": "Бета", "Günaydın.": "Доброе утро!"})
    _translate(tmp_path / "locales/tr/a.po", {"Good morning.": "Günaydın."})
    return tmp_path


def _translate(path: Path, table: dict[str, str]) -> None:
    catalog = read_catalog(path)
    entries = tuple(replace(e, msgstr=table.get(e.msgid, e.msgstr)) for e in catalog.entries)
    write_catalog(path, replace(catalog, entries=entries))


def test_project_memory_is_per_language_pair(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path))
    en_ru = project_units(config, "en", "ru")
    assert {(u.source, u.target, u.origin) for u in en_ru} == {
        ("Alpha", "Альфа", "locales/ru/a.po"), ("Good morning.", "Доброе утро.", "locales/ru/a.po"),
    }
    assert {(u.source, u.target) for u in project_units(config, "tr", "ru")} == {("Beta", "Бета"), ("Günaydın.", "Доброе утро!")}


def test_tmx_export_then_import_round_trips(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path))
    text, count = export_tmx(config)
    assert count == 5
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">')
    assert '<tu srclang="tr">' in text and "<prop type=\"x-transkit-origin\">locales/ru/b.po</prop>" in text
    exported = tmp_path / "out.tmx"
    exported.write_text(text, encoding="utf-8")
    pairs = {tuple(sorted(v.items())) for v in read_tmx(exported)}
    assert (("en", "Good morning."), ("tr", "Günaydın.")) in pairs
    assert (("ru", "Доброе утро!"), ("tr", "Günaydın.")) in pairs
    assert export_tmx(config) == (text, count)  # same memory, same bytes


def test_import_foreign_tmx_and_use_it(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path))
    foreign = tmp_path / "omegat.tmx"
    foreign.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="OmegaT" creationtoolversion="6" segtype="sentence" o-tmf="OmegaT"
 adminlang="EN-US" srclang="EN-US" datatype="plaintext"/>
<body>
<tu><tuv xml:lang="EN-US"><seg>Good <ph x="1">&lt;br/&gt;</ph>evening.</seg></tuv>
    <tuv xml:lang="RU-RU"><seg>Добрый <ph x="1">&lt;br/&gt;</ph>вечер.</seg></tuv></tu>
<tu><tuv lang="en"><seg>Good night.</seg></tuv><tuv lang="ru"><seg>Спокойной ночи.</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Alone.</seg></tuv></tu>
</body></tmx>""",
        encoding="utf-8",
    )
    result = import_tmx(config, foreign)
    assert (result.path, result.units, result.added) == (tmp_path / "memory" / "omegat.tmx", 2, 4)  # both directions
    assert import_tmx(config, foreign).added == 0  # importing twice adds nothing
    units = {(u.source, u.target, u.origin) for u in project_units(config, "en", "ru")}
    assert ("Good evening.", "Добрый вечер.", "memory/omegat.tmx") in units
    assert ("Good night.", "Спокойной ночи.", "memory/omegat.tmx") in units
    assert ("Спокойной ночи.", "Good night.") in {(u.source, u.target) for u in project_units(config, "ru", "en")}


def test_broken_tmx_is_a_one_line_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tmx"
    broken.write_text('<tmx version="1.4">\n<body>\n<tu><tuv xml:lang="en"><seg>x</tuv>\n</body></tmx>', encoding="utf-8")
    with pytest.raises(TmxError, match=r"broken\.tmx:3: not a readable TMX file: mismatched tag") as error:
        read_tmx(broken)
    assert "\n" not in str(error.value)
