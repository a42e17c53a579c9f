"""Bad input gets one clear line: the file (and line), a non-zero exit, no traceback unless --debug.

One table, one row per kind of bad input the reliability issue lists: source
HTML, transkit.toml, paths that would lead outside the project, and catalogs
a translator (or git) broke. Rows whose input is odd but legitimate (a
declared legacy charset, 10 MB, 2,000 levels of nesting, tag soup) must
simply work. Every row runs in-process through click; a few run again as
real ``transkit`` processes, where a traceback would really be printed.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from conftest import make_project
from transkit.catalog.pofile import read_catalog
from transkit.cli import main

TRANSKIT = Path(sys.executable).parent / "transkit"
PAGE = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>\n'
GOOD = PAGE.format(title="Good", body="<p>Nothing wrong here. It stays translated.</p>")


def page(body: str, title: str = "Title") -> str:
    return PAGE.format(title=title, body=body)


@dataclass(frozen=True)
class Row:
    """One bad input: how to make it, the command to run, and what must come out."""

    name: str
    make: Callable[[Path], None]
    args: tuple[str, ...] = ("sync",)
    exit_code: int = 2
    blame: str = ""  # path (relative to the project) the message must name; "" for rows that succeed
    says: str = ""  # words the message must contain
    per_article: bool = False  # reported for its article, the other article is still processed
    unchanged: tuple[str, ...] = field(default=())  # files that must stay byte-identical
    line_of: str = ""  # the message's line number is the last line of ``blame`` containing this


def write(root: Path, relative: str, data: str | bytes) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def source(data: str | bytes) -> Callable[[Path], None]:
    return lambda root: write(root, "sources/bad.html", data)


def config(text: str | bytes) -> Callable[[Path], None]:
    return lambda root: write(root, "transkit.toml", text)


def deep(levels: int, tag: str = "div") -> str:
    return page(f"<{tag}>level " * levels + "bottom" + f"</{tag}>" * levels)


def ten_megabytes(root: Path) -> None:
    picture = base64.b64encode(os.urandom(7_500_000)).decode("ascii")
    write(root, "sources/bad.html", page(f'<p>A big picture.</p><img alt="A cat" src="data:image/png;base64,{picture}"><p>The end.</p>'))


SOUP = (
    "<html><head><title>Soup</head><body><p>Unclosed <b>bold <i>italic</p></b> after</i>"
    "<div>stray </span> end tag</div></div></div><p>a < b && c > d <<< >>></p>"
    "<table><tr><td>cell<td>next<p>para in cell</table>"
    "<p title=\"unterminated>Text</p><ul><li>one<li>two</ul><!-- a comment -- with dashes -->"
    "<p>&bogus; &#0; &#xD800; &#x110000; entities</p><p a=1 a=2 b='x'>duplicate attributes</p>"
    "<![CDATA[ cdata ]]><?php echo 1 ?></body></html><p>after the end</p>"
)


def outside_link(relative: str) -> Callable[[Path], None]:
    """``relative`` becomes a symlink to a folder outside the project."""

    def make(root: Path) -> None:
        outside = root.parent / "outside"
        outside.mkdir(exist_ok=True)
        link = root / relative
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(outside, target_is_directory=True)

    return make


def outside_source(root: Path) -> None:
    secret = root.parent / "secret.html"
    secret.write_text(page("<p>Not part of this project.</p>"), encoding="utf-8")
    (root / "sources" / "bad.html").symlink_to(secret)


def synced_then(make: Callable[[Path], None]) -> Callable[[Path], None]:
    def run(root: Path) -> None:
        write(root, "sources/bad.html", page("<p>Hello world.</p>"))
        result = CliRunner().invoke(main, ["sync", "-q", "--project", str(root)])
        assert result.exit_code == 0, result.output
        make(root)
        write(root, "sources/bad.html", page("<p>Hello again, world.</p>"))

    return run


def synced(make: Callable[[Path], None]) -> Callable[[Path], None]:
    def run(root: Path) -> None:
        result = CliRunner().invoke(main, ["sync", "-q", "--project", str(root)])
        assert result.exit_code == 0, result.output
        make(root)

    return run


def outside_catalog(root: Path) -> None:
    target = root.parent / "elsewhere.po"
    path = root / "locales" / "tr" / "bad.po"
    target.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(target)


def folder_at(relative: str) -> Callable[[Path], None]:
    """A folder where transkit writes a file (made by hand, or left by another tool)."""

    def make(root: Path) -> None:
        path = root / relative
        path.unlink(missing_ok=True)
        path.mkdir(parents=True)

    return make


# ------------------------------------------------------------------ broken catalogs

def broken_catalog(edit: Callable[[str], str]) -> Callable[[Path], None]:
    """Sync first, translate, break the Turkish catalog, then change the source so sync must read it."""

    def make(root: Path) -> None:
        write(root, "sources/bad.html", page("<p>Hello world. Second one.</p><p>Third.</p>"))
        result = CliRunner().invoke(main, ["sync", "-q", "--project", str(root)])
        assert result.exit_code == 0, result.output
        path = root / "locales" / "tr" / "bad.po"
        text = path.read_text(encoding="utf-8").replace('msgid "Hello world."\nmsgstr ""', 'msgid "Hello world."\nmsgstr "Merhaba dünya."')
        path.write_text(edit(text), encoding="utf-8")
        write(root, "sources/bad.html", page("<p>Hello world. Second one changed.</p><p>Third.</p>"))
        write(root, "sources/good.html", GOOD.replace("stays", "still stays"))  # must still be synced

    return make


CONFLICT = '<<<<<<< HEAD\nmsgid "Third."\n=======\nmsgid "Thrd."\n>>>>>>> translator-branch'

ROWS = [
    # --- source HTML
    Row("empty source", source(b""), blame="sources/bad.html", says="empty file", per_article=True),
    Row("blank source", source(b" \n\t\n"), blame="sources/bad.html", says="empty file", per_article=True),
    Row("binary source", source(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))), blame="sources/bad.html",
        says="binary file", per_article=True),
    Row("latin-1 bytes, no charset declared", source(page("<p>Caf\xe9 cr\xe8me.</p>").replace('<meta charset="utf-8">', "").encode("latin-1")),
        blame="sources/bad.html:2", says="not valid utf-8 and declares no other charset", per_article=True),
    Row("declared utf-8, bytes are not", source(page("<p>Caf\xe9.</p>").encode("latin-1")), blame="sources/bad.html:2",
        says="not valid utf-8", per_article=True),
    Row("unknown charset declared", source(page("<p>Hi there.</p>").replace("utf-8", "x-klingon")),
        blame="sources/bad.html", says="unknown charset 'x-klingon'", per_article=True),
    Row("nested 10,000 levels", source(deep(10_000)), blame="sources/bad.html:2", says="nested more than 2,048 levels",
        per_article=True),
    Row("nested 10,000 inline levels", source(deep(10_000, "span")), blame="sources/bad.html:2",
        says="nested more than 2,048 levels", per_article=True),
    # odd but legitimate sources: they work
    Row("windows-1251 declared in <meta>", source(page("<p>Привет, мир.</p>").replace("utf-8", "windows-1251").encode("cp1251")),
        exit_code=0),
    Row("10 MB page", ten_megabytes, exit_code=0),
    Row("nested 2,000 levels", source(deep(2_000)), exit_code=0),
    Row("nested 2,000 inline levels", source(deep(2_000, "em")), exit_code=0),
    Row("tag soup", source(SOUP), exit_code=0),
    # --- transkit.toml
    Row("config is not TOML", config("languages = [tr\n"), blame="transkit.toml", says="not valid TOML"),
    Row("config is not UTF-8", config(b"source_language = \"\xff\"\n"), blame="transkit.toml", says="not valid TOML"),
    Row("languages is a string", config('languages = "tr"\n'), blame="transkit.toml", says="key 'languages' must be a list"),
    Row("segmentation is a number", config("segmentation = 3\n"), blame="transkit.toml", says="key 'segmentation'"),
    Row("include holds a number", config("include = [1]\n"), blame="transkit.toml", says="key 'include'"),
    Row("lock_wait is a word", config('lock_wait = "soon"\n'), blame="transkit.toml", says="key 'lock_wait'"),
    Row("unknown key", config('langauges = ["tr"]\n'), blame="transkit.toml", says="unknown key 'langauges'"),
    Row("unknown language", config('languages = ["tr", "jp"]\n'), blame="transkit.toml", says="'jp' is not an ISO 639"),
    Row("three-letter code with a two-letter one", config('languages = ["tr", "rus"]\n'), blame="transkit.toml",
        says="use 'ru'"),
    Row("source language is a name", config('source_language = "english"\n'), blame="transkit.toml",
        says="key 'source_language'"),
    Row("sources outside the project", config('sources = "../elsewhere"\n'), blame="transkit.toml",
        says="must be a folder inside the project"),
    Row("output is an absolute path elsewhere", config('output = "/tmp"\n'), blame="transkit.toml",
        says="must be a folder inside the project"),
    # --- paths that would lead outside locales/ or build/
    Row("locales/tr links outside", outside_link("locales/tr"), blame="locales/tr/good.po",
        says="would be written outside", per_article=True),
    Row("locales/templates links outside", outside_link("locales/templates"), blame="locales/templates/good.pot",
        says="would be written outside", per_article=True),
    Row("catalog links outside", synced_then(outside_catalog), blame="locales/tr/bad.po",
        says="would be written outside", per_article=True),
    Row("build/tr links outside", synced(outside_link("build/tr")), args=("build",), blame="build/tr/good.html",
        says="would be written outside", per_article=True),
    Row("source links outside sources/", outside_source, blame="sources/bad.html", says="links outside the sources folder"),
    # --- a folder where a file goes
    Row("a folder where a template goes", synced_then(folder_at("locales/templates/bad.pot")),
        blame="locales/templates/bad.pot", says="cannot write: Is a directory", per_article=True),
    Row("a folder where a catalog goes", synced_then(folder_at("locales/tr/bad.po")),
        blame="locales/tr/bad.po", says="cannot read", per_article=True),
    Row("a folder where a page goes", synced(folder_at("build/tr/good.html")), args=("build",),
        blame="build/tr/good.html", says="cannot write: Is a directory", per_article=True),
    Row("slug that climbs out", lambda root: None, args=("sync", "--article", "../../etc/passwd"), blame="sources",
        says="no article with slug '../../etc/passwd'"),
    # --- catalogs a translator or git broke: never overwritten, the others go on
    Row("catalog syntax error", broken_catalog(lambda t: t.replace('msgid "Third."', 'msgid "Third."\nthis is not po')),
        blame="locales/tr/bad.po", says="syntax error", per_article=True,
        line_of="this is not po", unchanged=("locales/tr/bad.po",)),
    Row("catalog unterminated string", broken_catalog(lambda t: t.replace('msgid "Third."', 'msgid "Third.')),
        blame="locales/tr/bad.po", says="unterminated string", per_article=True,
        line_of='msgid "Third.', unchanged=("locales/tr/bad.po",)),
    Row("catalog duplicate msgid", broken_catalog(lambda t: t + '\nmsgid "Third."\nmsgstr "Üçüncü."\n'),
        blame="locales/tr/bad.po", says="duplicate message", per_article=True,
        line_of='msgid "Third."', unchanged=("locales/tr/bad.po",)),
    Row("catalog wrong charset", broken_catalog(lambda t: t.replace("charset=UTF-8", "charset=ISO-8859-9")),
        blame="locales/tr/bad.po", says="charset 'ISO-8859-9'", per_article=True,
        line_of="charset=ISO", unchanged=("locales/tr/bad.po",)),
    Row("catalog merge-conflict marker", broken_catalog(lambda t: t.replace('msgid "Third."', CONFLICT)),
        blame="locales/tr/bad.po", says="git merge conflict marker", per_article=True,
        line_of="<<<<<<<", unchanged=("locales/tr/bad.po",)),
    Row("catalog msgstr without msgid", broken_catalog(lambda t: t.replace('msgid "Third."\n', "")),
        blame="locales/tr/bad.po", says="msgstr without a msgid", per_article=True,
        line_of='msgstr ""', unchanged=("locales/tr/bad.po",)),
]


def project(tmp_path: Path, row: Row) -> Path:
    root = make_project(tmp_path / "site", {"good.html": GOOD}, 'languages = ["tr", "ru"]\n')
    row.make(root)
    return root


def outside_files(tmp_path: Path) -> dict[str, bytes]:
    """Every file next to the project (symlink targets): none may change."""
    site = tmp_path / "site"
    return {str(p): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and site not in p.parents}


def blamed(root: Path, row: Row) -> str:
    """What the message must start its location with: the path, and the line when the row knows it."""
    path = root / row.blame
    if not row.line_of:
        return str(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = max(number for number, text in enumerate(lines, 1) if row.line_of in text)
    return f"{path}:{line}:"


def invoke(root: Path, args: tuple[str, ...], debug: bool = False):
    command = [*(["--debug"] if debug else []), args[0], "--project", str(root), *args[1:]]
    return CliRunner().invoke(main, command)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "error" in line.lower()]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_bad_input_gets_one_clear_line(tmp_path: Path, row: Row) -> None:
    root = project(tmp_path, row)
    before = {name: (root / name).read_bytes() for name in row.unchanged}
    outside = outside_files(tmp_path)
    result = invoke(root, row.args)
    assert outside_files(tmp_path) == outside, "wrote outside the project"
    assert result.exit_code == row.exit_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if row.exit_code == 0:  # odd but legitimate: it syncs, builds, and the page is there
        assert not result.stderr, result.stderr
        built = invoke(root, ("build",))
        assert built.exit_code == 0 and not built.stderr, built.output
        assert (root / "build" / "tr" / "bad.html").stat().st_size > 0
        return
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert blamed(root, row) in lines[0], lines[0]
    assert row.says in lines[0], lines[0]
    for name, data in before.items():
        assert (root / name).read_bytes() == data, f"{name} was overwritten"
    if row.per_article and "good" not in row.blame:  # the good article went through anyway
        good = (root / "locales" / "tr" / "good.po").read_text(encoding="utf-8")
        assert "still stays" in good or "still stays" not in (root / "sources" / "good.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("row", [r for r in ROWS if r.exit_code], ids=[r.name for r in ROWS if r.exit_code])
def test_debug_shows_the_traceback(tmp_path: Path, row: Row) -> None:
    root = project(tmp_path, row)
    result = invoke(root, row.args, debug=True)
    assert result.exit_code != 0
    if row.per_article:  # reported and carried on: the traceback is printed with the line
        assert "Traceback (most recent call last)" in result.stderr, result.stderr
        assert str(root / row.blame) in result.stderr
    else:  # the error propagates out of the command
        assert result.exc_info is not None and not isinstance(result.exception, SystemExit), result.output
        assert str(root / row.blame) in str(result.exception)
        assert "Traceback" in "".join(traceback.format_exception(*result.exc_info))


CATALOG_ROWS = [r for r in ROWS if r.unchanged]


@pytest.mark.parametrize("command", ["build", "prefill", "status", "check"])
@pytest.mark.parametrize("row", CATALOG_ROWS, ids=[r.name for r in CATALOG_ROWS])
def test_a_broken_catalog_stops_every_command_only_for_its_article(tmp_path: Path, row: Row, command: str) -> None:
    root = project(tmp_path, row)
    assert invoke(root, ("sync",)).exit_code == 2  # the good article is synced, the broken catalog left alone
    before = (root / row.blame).read_bytes()
    result = invoke(root, (command,))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and blamed(root, row) in lines[0], result.stderr
    assert (root / row.blame).read_bytes() == before
    if command == "build":
        assert (root / "build" / "tr" / "good.html").is_file() and (root / "build" / "ru" / "good.html").is_file()


def test_rows_cover_every_kind_the_issue_lists() -> None:
    names = " | ".join(row.name for row in ROWS)
    for kind in ("empty", "binary", "not UTF-8", "charset", "10 MB", "10,000", "soup", "not TOML", "is a string",
                 "unknown language", "outside the project", "links outside", "slug", "syntax error", "unterminated",
                 "duplicate msgid", "wrong charset", "merge-conflict"):
        assert kind.lower() in names.lower(), kind


# ------------------------------------------------------------------ real processes

REAL = ["unknown language", "nested 10,000 levels", "catalog merge-conflict marker"]


@pytest.mark.skipif(not TRANSKIT.exists(), reason="the transkit console script is not installed")
@pytest.mark.parametrize("name", REAL)
def test_a_real_process_prints_one_line_and_a_traceback_only_with_debug(tmp_path: Path, name: str) -> None:
    row = next(r for r in ROWS if r.name == name)
    root = project(tmp_path, row)
    command = [str(TRANSKIT), row.args[0], "--project", str(root), *row.args[1:]]
    plain = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert plain.returncode == row.exit_code
    assert "Traceback" not in plain.stderr
    lines = error_lines(plain.stderr)
    assert len(lines) == 1 and blamed(root, row) in lines[0], plain.stderr
    debug = subprocess.run([str(TRANSKIT), "--debug", *command[1:]], capture_output=True, text=True, timeout=120)
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert str(root / row.blame) in debug.stderr


# ------------------------------------------------------------------ hand-edited catalogs are kept

def rewrap(text: str) -> str:
    """What another editor might save: every string split after each space, on its own line."""
    out = []
    for line in text.splitlines():
        for keyword in ("msgid ", "msgstr "):
            if line.startswith(keyword + '"') and " " in line[len(keyword) + 1:-1]:
                body = line[len(keyword) + 1:-1]
                words = body.split(" ")
                out.append(keyword + '""')
                out.extend(f'"{word} "' for word in words[:-1])
                out.append(f'"{words[-1]}"')
                break
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def test_a_catalog_wrapped_differently_by_hand_is_read_and_kept(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site", {"a.html": page("<p>Hello there, world. A second sentence here.</p>")},
                        'languages = ["tr"]\n')
    assert invoke(root, ("sync", "-q")).exit_code == 0
    path = root / "locales" / "tr" / "a.po"
    text = path.read_text(encoding="utf-8")
    text = text.replace('msgid "Hello there, world."\nmsgstr ""', 'msgid "Hello there, world."\nmsgstr "Merhaba oradaki dünya."')
    path.write_text(rewrap(text), encoding="utf-8")
    hand = path.read_bytes()
    assert b'msgid ""\n"Hello ' in hand  # really wrapped differently
    translations = {e.msgid: e.msgstr for e in read_catalog(path).entries}
    assert translations["Hello there, world."] == "Merhaba oradaki dünya."
    result = invoke(root, ("sync",))  # source unchanged: the hand-wrapped file is not touched
    assert result.exit_code == 0 and path.read_bytes() == hand
    write(root, "sources/a.html", page("<p>Hello there, world. A changed second sentence.</p>"))
    assert invoke(root, ("sync", "-q")).exit_code == 0  # merged and rewritten in msgcat's layout
    merged = {e.msgid: e for e in read_catalog(path).entries}
    assert merged["Hello there, world."].msgstr == "Merhaba oradaki dünya."
    assert "A changed second sentence." in merged
    assert invoke(root, ("build", "-q")).exit_code == 0
    assert "Merhaba oradaki dünya." in (root / "build" / "tr" / "a.html").read_text(encoding="utf-8")
