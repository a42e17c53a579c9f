"""The ``transkit`` command: a thin click layer over the stages.

Library code raises :class:`TranskitError`; only here do errors become
messages and exit codes: 0 ok, 1 findings or out of date, 2 usage or input error.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__
from .config import CONFIG_NAME, DEFAULT_TOML, Config, load_config
from .errors import TranskitError
from .pipeline import Report, build_project, sync_project
from .status import Counts, project_status

EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _fail(message: str, code: int = EXIT_ERROR) -> None:
    click.echo(f"transkit: error: {message}", err=True)
    sys.exit(code)


def project_command(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--project DIR`` and turn library errors into one-line messages."""

    @click.option(
        "--project",
        "project",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="The project folder (where transkit.toml lives).",
    )
    @click.option("-q", "--quiet", "quiet_here", is_flag=True, help="Print only warnings and errors.")
    @click.option("-v", "--verbose", "verbose_here", is_flag=True, help="Say more about what is done.")
    @click.pass_context
    @functools.wraps(function)
    def wrapper(ctx: click.Context, project: Path, quiet_here: bool, verbose_here: bool, **kwargs: Any) -> Any:
        root = ctx.find_root()
        debug = root.params.get("debug", False)
        ctx.meta["quiet"] = quiet_here or root.params.get("quiet", False)
        ctx.meta["verbose"] = verbose_here or root.params.get("verbose", False)
        try:
            config = load_config(project)
            return ctx.invoke(function, config=config, **kwargs)
        except TranskitError as exc:
            if debug:
                raise
            _fail(str(exc), exc.exit_code)

    return wrapper


def _print_report(report: Report, verb: str, quiet: bool) -> None:
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if not quiet:
        for path in report.changed:
            click.echo(f"{verb} {path}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="transkit")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Say more about what is done.")
def main(debug: bool, quiet: bool, verbose: bool) -> None:
    """Translate HTML articles through gettext catalogs.

    \b
    Typical session:
      transkit init            # transkit.toml, sources/, locales/
      transkit sync            # sources/*.html → locales/<lang>/<slug>.po
      transkit build           # locales → build/<lang>/<slug>.html
      transkit status          # how far each translation is
    """


def _quiet() -> bool:
    return bool(click.get_current_context().meta.get("quiet"))


@main.command()
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="The project folder to create.")
def init(project: Path) -> None:
    """Create transkit.toml and the sources/ and locales/ folders; never overwrites anything.

    \b
    Example:
      transkit init --project my-site
    """
    project.mkdir(parents=True, exist_ok=True)
    config_file = project / CONFIG_NAME
    if config_file.exists():
        click.echo(f"{config_file} exists; left as it is")
    else:
        config_file.write_text(DEFAULT_TOML, encoding="utf-8")
        click.echo(f"wrote {config_file}")
    for folder in ("sources", "locales"):
        (project / folder).mkdir(exist_ok=True)


@main.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and list the files that would change.")
@click.option("--article", "articles", multiple=True, metavar="SLUG", help="Only this article (repeatable).")
@project_command
def sync(config: Config, check: bool, articles: tuple[str, ...]) -> None:
    """Extract segments into templates and merge them into every language's catalog.

    Translations are never lost: a segment that left the source becomes an
    obsolete (#~) entry with its translation. A sync that changes nothing
    writes nothing.

    \b
    Examples:
      transkit sync
      transkit sync --check        # in CI: fail when catalogs are out of date
    """
    report = sync_project(config, check=check, only=articles)
    if check:
        for path in report.changed:
            click.echo(f"out of date: {path}")
        for error in report.errors:
            click.echo(f"error: {error}", err=True)
        if report.errors:
            sys.exit(EXIT_ERROR)
        if report.changed:
            click.echo(f"{len(report.changed)} file(s) out of date; run 'transkit sync'", err=True)
            sys.exit(EXIT_FINDINGS)
        return
    _print_report(report, "wrote", _quiet())
    if not _quiet():
        click.echo(f"sync: {len(report.changed)} written, {report.unchanged} unchanged, {report.skipped} article(s) up to date")
    if report.errors:
        sys.exit(EXIT_ERROR)


@main.command()
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language (repeatable).")
@click.option("--article", "articles", multiple=True, metavar="SLUG", help="Only this article (repeatable).")
@click.option("--include-fuzzy", is_flag=True, help="Use fuzzy (draft) translations too.")
@project_command
def build(config: Config, languages: tuple[str, ...], articles: tuple[str, ...], include_fuzzy: bool) -> None:
    """Write translated pages to build/<lang>/<slug>.html.

    Untranslated and fuzzy segments fall back to the source text; a
    translation whose placeholders do not match its msgid is refused with a
    warning naming the catalog line.

    \b
    Examples:
      transkit build
      transkit build --lang ru --include-fuzzy
    """
    report = build_project(config, languages=languages, include_fuzzy=include_fuzzy, only=articles)
    _print_report(report, "wrote", _quiet())
    if not _quiet():
        click.echo(f"build: {len(report.changed)} written, {report.unchanged} unchanged")
    if report.errors:
        sys.exit(EXIT_ERROR)


@main.command()
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language (repeatable).")
@click.option("--article", "articles", multiple=True, metavar="SLUG", help="Only this article (repeatable).")
@project_command
def status(config: Config, languages: tuple[str, ...], articles: tuple[str, ...]) -> None:
    """Segments and words translated, fuzzy and untranslated, per article and language.

    \b
    Example:
      transkit status --lang tr
    """
    rows = project_status(config, languages, articles)
    header = ("article", "lang", "translated", "fuzzy", "untranslated", "words", "done")
    table = [header]
    totals: dict[str, Counts] = {}
    for row in rows:
        table.append(_status_cells(row.slug + ("" if row.current else " (out of date)"), row.language, row.counts))
        totals[row.language] = totals.get(row.language, Counts()) + row.counts
    for language, counts in totals.items():
        table.append(_status_cells("TOTAL", language, counts))
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for cells in table:
        click.echo("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip())


def _status_cells(name: str, language: str, counts: Counts) -> tuple[str, ...]:
    return (
        name, language, str(counts.translated), str(counts.fuzzy), str(counts.untranslated),
        f"{counts.translated_words}/{counts.total_words}", f"{counts.percent:.0f}%",
    )


if __name__ == "__main__":  # pragma: no cover
    main()
