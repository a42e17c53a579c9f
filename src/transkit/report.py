"""Status for people: a self-contained HTML report, side-by-side review pages and an SVG badge.

Everything a page shows from a catalog or a source is untrusted text: pages
are built with :func:`el`, which escapes every string that is not markup
built here, and each page carries a Content-Security-Policy that allows no
network at all and only our own inline script (by hash) — a translation that
got past the escaping still could not run or load anything.

Files: ``transkit report -o status.html`` writes ``status.html`` and one
side-by-side page per article × language under ``status/<lang>/<slug>.html``
(the folder named after the report file).
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import quote

from . import __version__
from .build import RTL_LANGUAGES
from .catalog.model import Catalog, Entry
from .catalog.pofile import read_catalog
from .config import Config
from .drift import word_diff
from .fsutil import read_bytes, write_if_changed
from .layout import Article, find_articles
from .prefill import provenance_of
from .source.html import AttributeUnit, WalkOptions, parse_page, walk_units
from .source.inline import PLACEHOLDER
from .status import STATES, Counts, ProjectStatus, StatusRow, collect_status, entry_state, language_totals, project_total

# =========================================================================== safe HTML


class Markup(str):
    """HTML built by this module; every other string is escaped when it meets markup."""


VOID = frozenset({"meta", "link", "br", "input", "img", "col"})


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def el(tag: str, attrs: dict[str, object] | None = None, *children: object) -> Markup:
    """One element: attribute values and non-Markup children are escaped; None/False attributes left out."""
    parts = [f"<{tag}"]
    for name, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{esc(value)}"')
    parts.append(">")
    if tag in VOID:
        return Markup("".join(parts))
    parts.extend(_child(c) for c in children)
    parts.append(f"</{tag}>")
    return Markup("".join(parts))


def _child(child: object) -> str:
    if child is None:
        return ""
    if isinstance(child, Markup):
        return child
    if isinstance(child, (list, tuple)):
        return "".join(_child(c) for c in child)
    return esc(child)


def join(children: Iterable[object]) -> Markup:
    return Markup("".join(_child(c) for c in children))


# =========================================================================== page frame

STYLE = """
:root{--reviewed:#2e7d32;--machine:#1e88e5;--stale:#ef6c00;--untranslated:#cfd8dc;--ink:#1c2329;--muted:#5f6b73}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);margin:0;padding:24px 32px;background:#fafbfc}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px}
.muted{color:var(--muted)}a{color:#0b57d0}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0001}
th,td{padding:6px 10px;border-bottom:1px solid #e6e9ec;text-align:left;vertical-align:top}
th{background:#f1f3f5;font-weight:600;white-space:nowrap}
table.sortable th{cursor:pointer}table.sortable th[aria-sort=ascending]::after{content:" \\25B2"}
table.sortable th[aria-sort=descending]::after{content:" \\25BC"}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{display:flex;width:220px;height:14px;border-radius:3px;overflow:hidden;background:var(--untranslated)}
.bar span{display:block;height:100%}
.reviewed{background:var(--reviewed)}.machine{background:var(--machine)}.stale{background:var(--stale)}
.untranslated{background:var(--untranslated)}
.pct{font-weight:600}
.legend span.key{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px 0 14px;vertical-align:-1px}
.tag{display:inline-block;font-size:12px;padding:0 6px;border-radius:9px;background:#fff3e0;color:#8a4b00;margin-left:6px}
details{background:#fff;margin:6px 0;padding:6px 12px;box-shadow:0 1px 2px #0001}
summary{cursor:pointer;font-weight:600}
ol.stale-list li{margin:8px 0}
del{background:#ffd7d5;text-decoration:line-through}ins{background:#d2f5d6;text-decoration:none}
code.ph{font:12px ui-monospace,monospace;background:#eef1f4;color:#5f6b73;border-radius:3px;padding:0 2px}
.diff,.note{font-size:13px;margin-top:6px;color:var(--muted)}
tr.state-machine td.target{background:#e3f0fd}tr.state-stale td.target{background:#fff1e0}
tr.state-untranslated td.target{background:#f4f6f7;color:var(--muted);font-style:italic}
tr.block th{background:#f8f9fa;font-weight:500;color:var(--muted);font-size:12px}
td.state{white-space:nowrap;font-size:12px}
#attention:checked~table tr.state-reviewed{display:none}
#attention:checked~table tbody:not(:has(tr.state-machine,tr.state-stale,tr.state-untranslated)){display:none}
table.side-by-side{table-layout:fixed}table.side-by-side col.text{width:44%}table.side-by-side col.state{width:12%}
.warning{background:#fff8e1;border-left:4px solid #f9a825;padding:8px 12px;margin:12px 0}
footer{margin-top:32px;font-size:12px;color:var(--muted)}
"""

SORT_SCRIPT = """
(function () {
  function key(row, index, numeric) {
    var cell = row.cells[index];
    var value = cell.getAttribute("data-sort");
    if (value === null) { value = cell.textContent.trim(); }
    return numeric ? parseFloat(value) || 0 : value.toLowerCase();
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = th.getAttribute("data-type") === "number";
    var direction = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    rows.sort(function (a, b) {
      var x = key(a, index, numeric), y = key(b, index, numeric);
      return (numeric ? x - y : x.localeCompare(y)) * direction;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.tabIndex = 0;
      th.title = "Sort by this column";
      th.addEventListener("click", function () { sortBy(table, index, th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sortBy(table, index, th); } });
    });
    table.setAttribute("data-sortable", "ready");
  });
})();
"""


def _csp(script: str | None) -> str:
    scripts = "'none'"
    if script is not None:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        scripts = f"'sha256-{digest}'"
    return (
        f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src {scripts}; "
        "base-uri 'none'; form-action 'none'"
    )


def page(title: str, body: object, script: str | None = None, lang: str = "en") -> str:
    """A complete, self-contained HTML document (no external assets, CSP without network)."""
    head = join([
        el("meta", {"charset": "utf-8"}),
        el("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
        el("meta", {"http-equiv": "Content-Security-Policy", "content": _csp(script)}),
        el("meta", {"name": "robots", "content": "noindex"}),
        el("title", None, title),
        el("style", None, Markup(STYLE)),
    ])
    tail = el("script", None, Markup(script)) if script else ""
    footer = el("footer", None, f"Generated by transkit {__version__}.")
    document = el("html", {"lang": lang}, el("head", None, head), el("body", None, body, footer, tail))
    return "<!DOCTYPE html>\n" + document + "\n"


# =========================================================================== shared pieces


def bar(counts: Counts) -> Markup:
    """A stacked bar of word shares: reviewed, machine drafts, stale, untranslated."""
    total = counts.total_words
    spans = []
    for state in STATES:
        words = counts.words(state)
        if not words or not total:
            continue
        share = 100.0 * words / total
        spans.append(el("span", {
            "class": state, "style": f"width:{share:.2f}%", "title": f"{state}: {words} words ({share:.1f}%)",
        }))
    label = f"{counts.percent:.1f}% of {total} words reviewed"
    return el("div", {"class": "bar", "role": "img", "aria-label": label, "title": label}, spans)


def legend() -> Markup:
    keys = [
        ("reviewed", "reviewed"), ("machine", "machine draft"), ("stale", "stale / needs review"),
        ("untranslated", "untranslated"),
    ]
    return el("p", {"class": "legend muted"}, "Words: ", [join([el("span", {"class": f"key {c}"}), label]) for c, label in keys])


def percent_text(counts: Counts) -> str:
    return f"{counts.percent:.1f}%"


def _count_cells(counts: Counts) -> list[Markup]:
    cells = [el("td", {"class": "num pct", "data-sort": f"{counts.percent:.3f}"}, percent_text(counts))]
    for state in STATES:
        cells.append(el(
            "td", {"class": "num", "data-sort": counts.segments(state), "title": f"{counts.words(state)} words"},
            counts.segments(state),
        ))
    cells.append(el("td", {"class": "num", "data-sort": counts.total_words}, f"{counts.reviewed_words}/{counts.total_words}"))
    return cells


COUNT_HEADERS = ("Done", "Reviewed", "Machine", "Stale", "Untranslated", "Words reviewed")


def _count_headers() -> list[Markup]:
    return [el("th", {"class": "num", "data-type": "number"}, name) for name in COUNT_HEADERS]


def inline_text(text: str) -> Markup:
    """Segment text with placeholders shown as small tags, so editors see where markup goes."""
    parts: list[object] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(text[position:match.start()])
        parts.append(el("code", {"class": "ph"}, match.group(0)))
        position = match.end()
    parts.append(text[position:])
    return join(parts)


def source_diff(previous: str, current: str) -> Markup:
    """The source change behind a stale translation: deletions struck out, insertions marked."""
    parts = []
    for op in word_diff(previous, current):
        text = inline_text(op.text)
        parts.append(el("del", None, text) if op.op == "delete" else el("ins", None, text) if op.op == "insert" else text)
    return join(parts)


def pages_folder(report: Path) -> Path:
    """``status.html`` → ``status/``: the side-by-side pages live next to the report."""
    return report.parent / (report.stem if report.suffix else report.name + "-pages")


def page_path(report: Path, language: str, slug: str) -> Path:
    """Where the side-by-side page of one article × language goes."""
    return pages_folder(report) / language / f"{slug}.html"


def _page_href(language: str, slug: str, report: Path) -> str:
    return quote(f"{pages_folder(report).name}/{language}/{slug}.html")


# =========================================================================== the report


def write_report(
    config: Config, output: Path, languages: tuple[str, ...] = (), only: tuple[str, ...] = (), pages: bool = True
) -> list[Path]:
    """Write the report and its side-by-side pages; returns the files that changed."""
    status = collect_status(config, languages, only)
    articles = {a.slug: a for a in find_articles(config, only)}
    catalogs: dict[tuple[str, str], Catalog] = {}
    for row in status.rows:
        if row.counts.stale and not row.missing:
            catalogs[(row.language, row.slug)] = read_catalog(config.root / row.catalog)
    changed = []
    text = render_report(config, status, catalogs, output)
    if write_if_changed(output, text.encode("utf-8")):
        changed.append(output)
    if pages:
        for slug, rows in _rows_by_article(status.rows).items():
            for path, data in side_by_side_pages(config, articles[slug], rows, output, catalogs):
                if write_if_changed(path, data.encode("utf-8")):
                    changed.append(path)
    return changed


def _rows_by_article(rows: Iterable[StatusRow]) -> dict[str, list[StatusRow]]:
    grouped: dict[str, list[StatusRow]] = {}
    for row in rows:
        grouped.setdefault(row.slug, []).append(row)
    return grouped


def render_report(config: Config, status: ProjectStatus, catalogs: dict[tuple[str, str], Catalog], output: Path) -> str:
    """The editors' overview: totals, one sortable table per language, stale entries with their source diff."""
    totals = language_totals(status)
    body: list[object] = [
        el("h1", None, "Translation status"),
        el("p", {"class": "muted"}, _summary_line(config, status)),
        legend(),
        el("h2", {"id": "totals"}, "Languages"),
        _totals_table(status),
    ]
    for error in status.errors:
        body.append(el("p", {"class": "warning"}, error))
    for total in totals:
        rows = sorted((r for r in status.rows if r.language == total.name), key=lambda r: r.slug)
        body.append(_language_section(total.name, total.counts, rows, output))
    body.append(_stale_section(status, catalogs, output))
    return page(f"Translation status — {config.root.name}", body, SORT_SCRIPT)


def _summary_line(config: Config, status: ProjectStatus) -> str:
    articles = len({r.slug for r in status.rows})
    languages = ", ".join(t.name for t in language_totals(status)) or "none"
    outdated = sum(1 for r in status.rows if not r.current)
    extra = f" · {outdated} catalog(s) not synced with the current source" if outdated else ""
    noun = "article" if articles == 1 else "articles"
    return f"Project {config.root.name} · {articles} {noun} · languages: {languages}{extra}"


def _totals_table(status: ProjectStatus) -> Markup:
    head = el("tr", None, el("th", None, "Language"), el("th", None, "Progress"), _count_headers())
    rows = []
    for total in [*language_totals(status), project_total(status)]:
        name = "All languages" if total.name == "all" else el("a", {"href": f"#lang-{total.name}"}, total.name)
        rows.append(el("tr", {"class": "total", "data-language": total.name},
                       el("td", None, name), el("td", None, bar(total.counts)), _count_cells(total.counts)))
    return el("table", {"class": "totals"}, el("thead", None, head), el("tbody", None, rows))


def _language_section(language: str, counts: Counts, rows: list[StatusRow], output: Path) -> Markup:
    head = el("tr", None, el("th", None, "Article"), el("th", None, "Progress"), _count_headers())
    body = []
    for row in rows:
        name = [el("a", {"href": _page_href(language, row.slug, output)}, row.slug)]
        if row.missing:
            name.append(el("span", {"class": "tag"}, "not synced"))
        elif not row.current:
            name.append(el("span", {"class": "tag"}, "out of date"))
        body.append(el("tr", {"data-slug": row.slug},
                       el("td", {"data-sort": row.slug}, name), el("td", {"data-sort": f"{row.counts.percent:.3f}"}, bar(row.counts)),
                       _count_cells(row.counts)))
    title = f"{language} — {percent_text(counts)} reviewed"
    return el("section", {"id": f"lang-{language}"},
              el("h2", None, title),
              el("table", {"class": "sortable articles", "data-language": language}, el("thead", None, head), el("tbody", None, body)))


def _stale_section(status: ProjectStatus, catalogs: dict[tuple[str, str], Catalog], output: Path) -> Markup:
    """Stale entries grouped by language and article, each with the source diff behind it."""
    order = {lang: index for index, lang in enumerate(status.languages)}
    rows = sorted((r for r in status.rows if (r.language, r.slug) in catalogs), key=lambda r: (order.get(r.language, 0), r.slug))
    items = []
    for row in rows:
        entries = [e for e in catalogs[(row.language, row.slug)].live_entries if e.msgid and entry_state(e) == "stale"]
        listed = [el("li", None, _stale_item(e)) for e in entries]
        summary = f"{row.language} · {row.slug} — {len(entries)} stale segment{'s' if len(entries) != 1 else ''}"
        link = el("p", None, el("a", {"href": _page_href(row.language, row.slug, output)}, "Open side by side"))
        items.append(el("details", {"data-language": row.language, "open": len(rows) <= 10},
                        el("summary", None, summary), el("ol", {"class": "stale-list"}, listed), link))
    if not items:
        items = [el("p", {"class": "muted"}, "No stale segments.")]
    return el("section", {"id": "stale"}, el("h2", None, "Stale segments"), items)


def _stale_item(entry: Entry) -> Markup:
    if entry.previous_msgid is not None:
        change = el("div", {"class": "diff"}, "Source changed: ", source_diff(entry.previous_msgid, entry.msgid))
    else:
        change = el("div", {"class": "diff"}, "Marked fuzzy by a translator (no earlier source recorded): ", inline_text(entry.msgid))
    return join([change, el("div", {"class": "note"}, "Translation: ", inline_text(entry.msgstr))])


# =========================================================================== side-by-side pages


@dataclass(frozen=True)
class Block:
    """One block of the source (a paragraph, a heading, an attribute) and its segments."""

    kind: str
    line: int
    msgids: tuple[str, ...]


def source_blocks(config: Config, article: Article) -> tuple[str, list[Block]]:
    """The article's language and its blocks, walked exactly as extraction walks them."""
    page_ = parse_page(read_bytes(article.source), article.source, config.source_language)
    options = WalkOptions(page_.language, config.segmentation, config.include, config.exclude)
    blocks = []
    for unit in walk_units(page_, options):
        if isinstance(unit, AttributeUnit):
            blocks.append(Block(unit.kind, unit.line, (unit.msgid,)))
        else:
            line = unit.segments[0].line if unit.segments else 0
            blocks.append(Block(unit.kind, line, tuple(s.msgid for s in unit.segments)))
    return page_.language, blocks


def side_by_side_pages(
    config: Config, article: Article, rows: list[StatusRow], output: Path, catalogs: dict[tuple[str, str], Catalog]
) -> list[tuple[Path, str]]:
    """One review page per language of an article: (path, HTML)."""
    language, blocks = source_blocks(config, article)
    pages = []
    for row in rows:
        catalog = catalogs.get((row.language, row.slug))
        if catalog is None:
            catalog = Catalog() if row.missing else read_catalog(config.root / row.catalog)
        back = "../" * (row.slug.count("/") + 2) + quote(output.name)
        pages.append((page_path(output, row.language, row.slug), render_side_by_side(row, language, blocks, catalog, back)))
    return pages


def render_side_by_side(row: StatusRow, source_language: str, blocks: list[Block], catalog: Catalog, back: str) -> str:
    """Source and translation block by block; machine drafts, stale and untranslated segments highlighted."""
    entries = {e.msgid: e for e in catalog.live_entries if e.msgctxt is None}
    target_dir = "rtl" if row.language in RTL_LANGUAGES else None
    head = el("tr", None, el("th", None, f"Source ({source_language})"), el("th", None, f"Translation ({row.language})"), el("th", None, "State"))
    bodies = []
    for block in blocks:
        rows = [el("tr", {"class": "block"}, el("th", {"colspan": 3}, f"{block.kind} · line {block.line}"))]
        for msgid in block.msgids:
            rows.append(_segment_row(msgid, entries.get(msgid), source_language, row.language, target_dir))
        bodies.append(el("tbody", None, rows))
    notes = []
    if row.missing:
        notes.append(el("p", {"class": "warning"}, "No catalog yet for this language: run 'transkit sync'."))
    elif not row.current:
        notes.append(el("p", {"class": "warning"}, "The catalog was synced from an older version of the source: run 'transkit sync' before approving."))
    body = [
        el("p", None, el("a", {"href": back}, "← All articles")),
        el("h1", None, f"{row.slug} — {row.language}"),
        el("p", {"class": "muted"}, f"{source_language} → {row.language} · {percent_text(row.counts)} of {row.counts.total_words} words reviewed · "
           + ", ".join(f"{row.counts.segments(s)} {s}" for s in STATES)),
        bar(row.counts),
        legend(),
        notes,
        el("input", {"type": "checkbox", "id": "attention"}),
        el("label", {"for": "attention"}, " Show only segments that need attention"),
        el("table", {"class": "side-by-side"}, el("colgroup", None, el("col", {"class": "text"}), el("col", {"class": "text"}),
                                                   el("col", {"class": "state"})), el("thead", None, head), bodies),
    ]
    return page(f"{row.slug} — {row.language}", body)


STATE_LABELS = {"reviewed": "reviewed", "machine": "machine draft", "stale": "stale", "untranslated": "untranslated"}


def _segment_row(msgid: str, entry: Entry | None, source_language: str, language: str, target_dir: str | None) -> Markup:
    state = entry_state(entry) if entry is not None else "untranslated"
    if state == "untranslated" or entry is None:
        target: list[object] = ["— not translated —"]
    else:
        target = [inline_text(entry.msgstr)]
        if state == "stale" and entry.previous_msgid is not None:
            target.append(el("div", {"class": "diff"}, "Source changed: ", source_diff(entry.previous_msgid, entry.msgid)))
        elif state == "stale":
            target.append(el("div", {"class": "diff"}, "Marked fuzzy by a translator."))
    label: list[object] = [STATE_LABELS[state]]
    if state == "machine" and entry is not None:
        label.append(el("div", {"class": "note"}, provenance_of(entry) or ""))
    return el("tr", {"class": f"seg state-{state}"},
              el("td", {"class": "source", "lang": source_language}, inline_text(msgid)),
              el("td", {"class": "target", "lang": language, "dir": target_dir}, target),
              el("td", {"class": "state"}, label))


# =========================================================================== badge

BADGE_COLOURS = ((90, "#4c1"), (75, "#97ca00"), (50, "#dfb317"), (25, "#fe7d37"), (0, "#e05d44"))
_NARROW = set("fijlrtI.,:;!|'() ")
_WIDE = set("mwMW%@")


def _text_width(text: str) -> float:
    """Approximate width of Verdana 11px text (what badge renderers assume)."""
    return sum(3.6 if c in _NARROW else 10.0 if c in _WIDE else 8.0 if c.isupper() else 6.9 for c in text)


def badge_svg(label: str, counts: Counts) -> str:
    """A flat shields-style badge: ``label | 87%``, coloured by completeness."""
    percent = counts.percent
    value = f"{math.floor(percent)}%" if percent < 100 else "100%"
    colour = next(c for limit, c in BADGE_COLOURS if percent >= limit)
    left = round(_text_width(label) + 12)
    right = round(_text_width(value) + 12)
    width = left + right
    title = f"{label}: {value}"
    texts = []
    for x, text in ((left / 2, label), (left + right / 2, value)):
        texts.append(el("text", {"x": f"{x:g}", "y": "15", "fill": "#010101", "fill-opacity": ".3"}, text))
        texts.append(el("text", {"x": f"{x:g}", "y": "14"}, text))
    gradient = el("linearGradient", {"id": "s", "x2": "0", "y2": "100%"},
                  el("stop", {"offset": "0", "stop-color": "#bbb", "stop-opacity": ".1"}),
                  el("stop", {"offset": "1", "stop-opacity": ".1"}))
    clip = el("clipPath", {"id": "r"}, el("rect", {"width": width, "height": "20", "rx": "3", "fill": "#fff"}))
    shapes = el("g", {"clip-path": "url(#r)"},
                el("rect", {"width": left, "height": "20", "fill": "#555"}),
                el("rect", {"x": left, "width": right, "height": "20", "fill": colour}),
                el("rect", {"width": width, "height": "20", "fill": "url(#s)"}))
    words = el("g", {"fill": "#fff", "text-anchor": "middle", "font-family": "Verdana,Geneva,DejaVu Sans,sans-serif", "font-size": "11"}, texts)
    svg = el("svg", {"xmlns": "http://www.w3.org/2000/svg", "width": width, "height": "20", "role": "img", "aria-label": title},
             el("title", None, title), gradient, clip, shapes, words)
    return svg + "\n"


def write_badge(config: Config, output: Path, language: str | None = None, label: str | None = None) -> bool:
    """The badge for one language (or all target languages together); True when the file changed."""
    if language and language not in config.languages:  # (before counting every catalog)
        from .errors import ConfigError

        raise ConfigError(f"--lang {language}: not a configured language ({', '.join(config.languages)})")
    counts = project_total(collect_status(config, (language,) if language else ())).counts
    text = badge_svg(label or (f"{language} translated" if language else "translated"), counts)
    return write_if_changed(output, text.encode("utf-8"))
