"""The ``transkit`` command: a thin click layer over the stages.

Library code raises :class:`TranskitError`; only here do errors become
messages and exit codes: 0 ok, 1 findings or out of date, 2 usage or input error.
"""

from __future__ import annotations

import gc

_collecting = gc.isenabled()
gc.disable()  # while the modules load (see below)
try:
    import functools
    import os
    import sys
    import time
    from pathlib import Path
    from typing import Any, Callable, NoReturn

    import click

    from . import __version__
    from .config import CONFIG_NAME, DEFAULT_TOML, Config, load_config
    from .errors import TranskitError
    from .fsutil import write_if_changed
    from .pipeline import Report, build_project, sync_project
finally:
    # What the imports made (modules, classes, tables) lives as long as the process: collections
    # while they ran, and every later one, would scan it for nothing (~12 ms of a sync with nothing
    # to do). The workers, forked later, freeze what they inherit too.
    gc.freeze()
    if _collecting:  # (a program that imports this module with the collector off keeps it off)
        gc.enable()

EXIT_FINDINGS = 1
EXIT_ERROR = 2
# status.SORT_KEYS, spelt out: importing transkit.status costs ~5 ms at every start, and only
# ``transkit status`` needs it (tests/test_startup_imports.py checks that the two agree).
SORT_KEYS = ("article", "language", "percent", "words", "reviewed", "machine", "stale", "untranslated")


def _fail(message: str, code: int = EXIT_ERROR) -> None:
    click.echo(f"transkit: error: {message}", err=True)
    sys.exit(code)


def project_command(function: Callable[..., Any] | None = None, *, writes: bool = False) -> Any:
    """Add ``--project DIR`` and turn library errors into one-line messages.

    ``@project_command(writes=True)`` marks a command that changes project files:
    it runs holding the project lock (:mod:`transkit.lock`), with ``--wait SECONDS``.
    This is the one place the lock is taken.
    """
    if function is None:
        return lambda inner: project_command(inner, writes=writes)

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
    def wrapper(
        ctx: click.Context, project: Path, quiet_here: bool, verbose_here: bool, wait: float | None = None,
        **kwargs: Any,
    ) -> Any:
        root = ctx.find_root()
        debug = root.params.get("debug", False)
        ctx.meta["quiet"] = quiet_here or root.params.get("quiet", False)
        verbose = verbose_here or root.params.get("verbose", False)
        started = time.perf_counter()
        try:
            config = load_config(project)
            if not writes:
                return ctx.invoke(function, config=config, **kwargs)
            from .lock import lock_wait, project_lock

            with project_lock(config, ctx.command_path, lock_wait(config, wait)):
                return ctx.invoke(function, config=config, **kwargs)
        except TranskitError as exc:
            if debug:
                raise
            _fail(str(exc), exc.exit_code)
        finally:
            if verbose:  # (also after an error or a findings exit: how long it took, and where)
                click.echo(f"{ctx.command_path}: {time.perf_counter() - started:.2f} s in {project.resolve()}", err=True)

    if writes:
        wrapper = click.option(
            "--wait", "wait", type=click.FloatRange(min=0), metavar="SECONDS",
            help="If another transkit is writing this project, wait this long for it (default: lock_wait, 10).",
        )(wrapper)
    return wrapper


def _print_report(report: Report, verb: str, quiet: bool) -> None:
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    _debug_tracebacks(report)
    if not quiet:
        for path in report.changed:
            click.echo(f"{verb} {path}")


def _debug_tracebacks(report: Any) -> None:
    """With --debug, the traceback of every per-article error the report kept."""
    if click.get_current_context().find_root().params.get("debug"):
        import traceback

        for exc in getattr(report, "failures", ()):
            click.echo("".join(traceback.format_exception(exc)).rstrip(), err=True)


_jobs_option = click.option(
    "-j", "--jobs", "jobs", type=click.IntRange(min=1), default=None, metavar="N",
    help="Work on N articles at once, in N processes (default: the number of cores).",
)


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
@click.option("-q", "--quiet", "quiet_here", is_flag=True, help="Print only warnings and errors.")
@click.option("-v", "--verbose", "verbose_here", is_flag=True, help="Say more about what is done.")
def init(project: Path, quiet_here: bool, verbose_here: bool) -> None:
    """Create transkit.toml and the sources/ and locales/ folders; never overwrites anything.

    \b
    Example:
      transkit init --project my-site
    """
    quiet = quiet_here or bool(click.get_current_context().find_root().params.get("quiet"))
    project.mkdir(parents=True, exist_ok=True)
    config_file = project / CONFIG_NAME
    if config_file.exists():
        if not quiet:
            click.echo(f"{config_file} exists; left as it is")
    else:
        write_if_changed(config_file, DEFAULT_TOML.encode("utf-8"))  # atomic: a killed init leaves no half file
        if not quiet:
            click.echo(f"wrote {config_file}")
    verbose = verbose_here or bool(click.get_current_context().find_root().params.get("verbose"))
    for folder in ("sources", "locales"):
        made = not (project / folder).is_dir()
        (project / folder).mkdir(exist_ok=True)
        if verbose and not quiet:
            click.echo(f"{'made' if made else 'kept'} {project / folder}/")


@main.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and list the files that would change.")
@click.option("--article", "articles", multiple=True, metavar="SLUG", help="Only this article (repeatable).")
@click.option("--purge-obsolete", is_flag=True,
              help="Then list the obsolete (#~) entries that would be removed; nothing is removed without --yes.")
@click.option("--yes", is_flag=True, help="With --purge-obsolete: really remove them.")
@_jobs_option
@project_command(writes=True)
def sync(config: Config, check: bool, articles: tuple[str, ...], purge_obsolete: bool, yes: bool,
         jobs: int | None = None) -> None:
    """Extract segments into templates and merge them into every language's catalog.

    Translations are never lost: a segment that left the source becomes an
    obsolete (#~) entry with its translation. A sync that changes nothing
    writes nothing.

    \b
    Examples:
      transkit sync
      transkit sync --check        # in CI: fail when catalogs are out of date
      transkit sync --purge-obsolete         # list obsolete entries (dry run)
      transkit sync --purge-obsolete --yes   # remove them
    """
    if yes and not purge_obsolete:
        raise click.UsageError("--yes only goes with --purge-obsolete")
    report = sync_project(config, check=check, only=articles, jobs=jobs)
    purge_failed = purge_obsolete and _purge(config, articles, yes and not check, report.errors)
    if check:
        for path in report.changed:
            click.echo(f"out of date: {path}")
        for error in report.errors:
            click.echo(f"error: {error}", err=True)
        _debug_tracebacks(report)
        if report.errors or purge_failed:
            sys.exit(EXIT_ERROR)
        if report.changed:
            click.echo(f"{len(report.changed)} file(s) out of date; run 'transkit sync'", err=True)
            sys.exit(EXIT_FINDINGS)
        return
    _print_report(report, "wrote", _quiet())
    if not _quiet():
        click.echo(f"sync: {len(report.changed)} written, {report.unchanged} unchanged, {report.skipped} article(s) up to date")
    if report.errors or purge_failed:
        sys.exit(EXIT_ERROR)


@main.command()
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language (repeatable).")
@click.option("--article", "articles", multiple=True, metavar="SLUG", help="Only this article (repeatable).")
@click.option("--include-fuzzy", is_flag=True, help="Use fuzzy (draft) translations too.")
@click.option("--draft", is_flag=True, help="Also build languages below publish_threshold, marked noindex.")
@_jobs_option
@project_command(writes=True)
def build(config: Config, languages: tuple[str, ...], articles: tuple[str, ...], include_fuzzy: bool, draft: bool,
          jobs: int | None = None) -> None:
    """Write translated pages to build/<lang>/<slug>.html.

    Untranslated and fuzzy segments fall back to the source text; a
    translation whose placeholders do not match its msgid is refused with a
    warning naming the catalog line.

    \b
    Examples:
      transkit build
      transkit build --lang ru --include-fuzzy
      transkit build --draft       # below publish_threshold too, with noindex
    """
    report = build_project(config, languages=languages, include_fuzzy=include_fuzzy, only=articles, draft=draft,
                           jobs=jobs)
    _print_report(report, "wrote", _quiet())
    for line in report.held_back:
        click.echo(line, err=True)
    if not _quiet():
        click.echo(f"build: {len(report.changed)} written, {report.unchanged} unchanged")
    if report.errors:
        sys.exit(EXIT_ERROR)


@main.command()
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language (repeatable).")
@click.option("--article", "articles", multiple=True, metavar="SLUG", help="Only this article (repeatable).")
@click.option("--sort", "sort_key", type=click.Choice(SORT_KEYS), default="article", show_default=True,
              help="Row order: percent = least complete first; a state or words = largest first.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              show_default=True, help="json/csv for scripts and dashboards (docs/status.md), markdown for PR comments.")
@click.option("--fail-under", "fail_under", multiple=True, metavar="PCT|LANG=PCT",
              help="Exit 1 when the project (PCT) or a language (LANG=PCT) has fewer reviewed words (repeatable).")
@click.option("--per-article", is_flag=True, help="Apply --fail-under to every article instead of the totals.")
@click.option("--fail-on", "fail_on", default="", metavar="STATES",
              help="Exit 1 when any article has segments in these states: stale,untranslated,machine.")
@_jobs_option
@project_command
def status(config: Config, languages: tuple[str, ...], articles: tuple[str, ...], sort_key: str, output_format: str,
           fail_under: tuple[str, ...], per_article: bool, fail_on: str, jobs: int | None = None) -> None:
    """Reviewed, machine-drafted, stale and untranslated segments and words, per article and language.

    Failing gates are listed on stderr, one line per article and reason.

    \b
    Examples:
      transkit status --lang tr --sort percent
      transkit status --format json > status.json
      transkit status --fail-under 80 --fail-under tr=95 --fail-on stale
    """
    import os

    from .status import Threshold, check_gates, collect_status, render, sort_rows

    state = collect_status(config, languages, articles, jobs)
    thresholds = [Threshold.parse(text) for text in fail_under]
    states = [s.strip() for s in fail_on.split(",") if s.strip()]
    failures = check_gates(state, thresholds, states, per_article, config.languages)
    rows = sort_rows(state.rows, sort_key, config.languages)
    colour = output_format == "table" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(render(state, output_format, rows, failures, colour), nl=False)
    for error in state.errors:
        click.echo(f"error: {error}", err=True)
    for failure in failures:
        click.echo(f"failed: {failure}", err=True)
    if state.errors:
        sys.exit(EXIT_ERROR)
    if failures:
        sys.exit(EXIT_FINDINGS)


@main.command("check")
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language (repeatable).")
@click.option("--article", "articles", multiple=True, metavar="SLUG", help="Only this article (repeatable).")
@click.option("--only", "only_checks", multiple=True, metavar="CHECK", help="Run only this check (repeatable, or a,b).")
@click.option("--skip", "skip_checks", multiple=True, metavar="CHECK", help="Do not run this check (repeatable, or a,b).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="text: file:line: severity: check: message; github: PR annotations.")
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@project_command
def check_command(config: Config, languages: tuple[str, ...], articles: tuple[str, ...], only_checks: tuple[str, ...],
                  skip_checks: tuple[str, ...], output_format: str, strict: bool) -> None:
    """Find broken markup, lost links and footnotes, wrong numbers, scripts and terms in translations.

    Exit 1 when a translated entry has an error (with --strict: any finding);
    fuzzy and machine-drafted entries are reported as drafts and never fail
    the check. Silence a finding on one entry with a translator comment
    "# transkit-ignore: CHECK[, CHECK...]" (or "all") above it in the PO file.

    \b
    Examples:
      transkit check
      transkit check --lang ru --only placeholder,url
      transkit check --format github      # in GitHub Actions
    """
    from .qa import FORMATS, check_project, select_checks

    selection = select_checks(config.extra.get("check"), only_checks, skip_checks)
    report = check_project(config, languages, articles, selection)
    click.echo(FORMATS[output_format](report))
    sys.exit(report.exit_code(strict))


@main.command()
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language (repeatable).")
@click.option("--article", "articles", multiple=True, metavar="SLUG", help="Only this article (repeatable).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("--plain", is_flag=True, help="No colour in text output (also off when not a terminal or NO_COLOR is set).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE.")
@project_command
def drift(
    config: Config, languages: tuple[str, ...], articles: tuple[str, ...], output_format: str, plain: bool,
    output: Path | None,
) -> None:
    """Show entries whose source changed since translation: word diff, translation, change class.

    Lists every fuzzy entry with a previous source (#| msgid). The change
    class is edit, split, merge, or a trivial class (whitespace, typography,
    number, date, url, markup). JSON: {"count", "stale": [{article, language,
    catalog, line, change, previous, current, translation, diff: [{op, text}]}]}.
    Reads catalogs only; exit 0.

    \b
    Examples:
      transkit drift --lang tr
      transkit drift --format json
      transkit drift --format html -o drift.html
    """
    import os

    from .drift import project_drift, render_html, render_json, render_text
    from .fsutil import write_if_changed

    stale = project_drift(config, languages, articles)
    colour = not plain and output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    if output_format == "json":
        text = render_json(stale)
    elif output_format == "html":
        text = render_html(stale)
    else:
        text = render_text(stale, colour)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_if_changed(output, text.encode("utf-8"))
        if not _quiet():
            click.echo(f"wrote {output} ({len(stale)} stale entries)")


@main.command()
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language (repeatable).")
@click.option("--article", "articles", multiple=True, metavar="SLUG", help="Only this article (repeatable).")
@click.option("--engine", metavar="NAME", help="tm (memory only, offline: the default), libre, google, mymemory, microsoft.")
@click.option("--engine-url", "url", metavar="URL", help="The engine's base URL, e.g. your LibreTranslate server.")
@click.option("--dry-run", is_flag=True, help="Send and write nothing; report what would go to the engine (the cost).")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Prefill at most N entries.")
@project_command(writes=True)
def prefill(config: Config, languages: tuple[str, ...], articles: tuple[str, ...], engine: str | None,
            url: str | None, dry_run: bool, limit: int | None) -> None:
    """Draft every empty entry: translation memory first, then an MT engine.

    Drafts are fuzzy and carry a '#  transkit-prefill: ...' comment saying
    where they came from; a human translation, a fuzzy draft or a msgid is
    never changed. Engine keys come from environment variables only.

    \b
    Examples:
      transkit prefill                       # memory only, offline
      transkit prefill --engine libre --engine-url http://localhost:5000/ --dry-run
      transkit prefill --lang ru --engine libre --engine-url http://localhost:5000/
    """
    from .prefill.apply import PrefillOptions, prefill_project

    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and sys.stderr.isatty() and not _quiet():
            bar = click.progressbar(length=total, label="prefill", file=sys.stderr)
            bar.__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    options = PrefillOptions(languages, articles, engine, url, dry_run, limit)
    try:
        report = prefill_project(config, options, progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if not _quiet() and not dry_run:
        for path in report.changed:
            click.echo(f"wrote {path}")
    click.echo(report.summary())
    if report.errors:
        sys.exit(EXIT_ERROR)
    if not report.ok:
        sys.exit(EXIT_FINDINGS)


@main.group()
def tm() -> None:
    """Translation memory as TMX 1.4, for CAT tools (OmegaT, Trados)."""


@tm.command("import")
@click.argument("tmx", type=click.Path(dir_okay=False, path_type=Path))
@project_command(writes=True)
def tm_import(config: Config, tmx: Path) -> None:
    """Add a TMX file's translations to the project memory (memory/<name>.tmx).

    \b
    Example:
      transkit tm import ~/omegat/project_save.tmx
    """
    from .prefill.memory import import_tmx

    result = import_tmx(config, tmx)
    click.echo(f"tm import: {result.units} unit(s) read, {result.added} new pair(s) in {result.path}")


@tm.command("export")
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only pairs into this language (repeatable).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@project_command
def tm_export(config: Config, languages: tuple[str, ...], output: Path | None) -> None:
    """Write every human translation of the project's catalogs as TMX 1.4.

    \b
    Example:
      transkit tm export -o project.tmx
    """
    from .fsutil import write_if_changed
    from .prefill.memory import export_tmx

    text, count = export_tmx(config, languages)
    if output is None:
        click.echo(text, nl=False)
        return
    write_if_changed(output, text.encode("utf-8"))
    click.echo(f"tm export: {count} unit(s) in {output}", err=True)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("status.html"),
              show_default=True, help="The report; side-by-side pages go to a folder named after it.")
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language (repeatable).")
@click.option("--article", "articles", multiple=True, metavar="SLUG", help="Only this article (repeatable).")
@project_command
def report(config: Config, output: Path, languages: tuple[str, ...], articles: tuple[str, ...]) -> None:
    """Write a self-contained HTML status report and a side-by-side review page per article and language.

    \b
    Example:
      transkit report -o status.html     # and status/<lang>/<slug>.html
    """
    from .report import pages_folder, write_report

    changed = write_report(config, output, languages, articles)
    if not _quiet():
        click.echo(f"report: {output} and side-by-side pages in {pages_folder(output)}/ ({len(changed)} file(s) written)")


@main.command()
@click.option("--lang", "language", metavar="LANG", help="The language (default: every target language together).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The SVG file.")
@click.option("--label", metavar="TEXT", help="Left-hand text (default: '<lang> translated').")
@project_command
def badge(config: Config, language: str | None, output: Path, label: str | None) -> None:
    """Write an SVG badge with the share of reviewed words, for READMEs and dashboards.

    \b
    Example:
      transkit badge --lang tr -o badges/tr.svg
    """
    from .report import write_badge

    changed = write_badge(config, output, language, label)
    if not _quiet():
        click.echo(f"{'wrote' if changed else 'unchanged'} {output}")


@main.command("add-language")
@click.argument("code", metavar="LANG")
@project_command(writes=True)
def add_language_command(config: Config, code: str) -> None:
    """Start a language: a catalog for every article, and LANG added to transkit.toml.

    New catalogs get the language's Plural-Forms and are what 'transkit sync'
    would write, so the next sync changes nothing. Catalogs that exist already
    (made by Weblate or msginit) are kept; the next sync merges them. The
    languages list in transkit.toml is edited in place, comments kept; when
    its layout is too unusual to edit safely, the line to write is printed and
    the exit code is 1.

    \b
    Examples:
      transkit add-language de
      transkit add-language pt-BR      # catalogs under locales/pt/
    """
    from .languages import add_language

    result = add_language(config, code)
    if not _quiet():
        for path in result.created:
            click.echo(f"wrote {path}")
        for path in result.existing:
            click.echo(f"kept {path} (it exists; 'transkit sync' merges it)")
        for slug in result.skipped:
            click.echo(f"skipped {slug}: written in '{result.language}'")
    if result.config_line:
        click.echo(f"transkit: add '{result.language}' to transkit.toml yourself: {result.config_line}", err=True)
        sys.exit(EXIT_FINDINGS)
    if not _quiet():
        recorded = "already in" if result.already_configured else "added to"
        click.echo(f"add-language: {result.language} ({result.name}) {recorded} transkit.toml; "
                   f"{len(result.created)} catalog(s) written, {len(result.existing)} kept")


@main.group()
def xliff() -> None:
    """XLIFF 2.0 per article and language, for CAT tools (OmegaT, Trados, memoQ).

    \b
    Examples:
      transkit xliff export --lang de              # xliff/de/<slug>.xlf
      transkit xliff import xliff/de/*.xlf
    """


@xliff.command("export")
@click.option("--lang", "languages", multiple=True, metavar="LANG", help="Only this language (repeatable).")
@click.option("--article", "articles", multiple=True, metavar="SLUG", help="Only this article (repeatable).")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for <lang>/<slug>.xlf  [default: xliff/ in the project]")
@project_command
def xliff_export(config: Config, languages: tuple[str, ...], articles: tuple[str, ...], output: Path | None) -> None:
    """Write one XLIFF 2.0 file per article and language; placeholders become protected inline codes.

    Fuzzy entries are exported as drafts (state "initial" with a target),
    translated ones as "translated". Nothing is written when a file would not change.

    \b
    Examples:
      transkit xliff export
      transkit xliff export --lang ru --article putin-prepares-to-visit-china -o ~/omegat/source
    """
    from .xliff import export_project

    report = export_project(config, languages, articles, output or config.root / "xliff")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not _quiet():
        for path in report.written:
            click.echo(f"wrote {path}")
        click.echo(f"xliff export: {len(report.written)} written, {report.unchanged} unchanged")


@xliff.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--mark", type=click.Choice(["state", "fuzzy", "translated"]), default="state", show_default=True,
              help="state: fuzzy when the segment is 'initial'; fuzzy: every changed translation fuzzy; "
                   "translated: every changed translation final.")
@project_command(writes=True)
def xliff_import(config: Config, files: tuple[Path, ...], mark: str) -> None:
    """Bring translations from XLIFF 2.0 files back into their catalogs, checked like any translation.

    A unit whose placeholders do not match its source is refused with its
    file and line, and then nothing from that file is written. Missing or
    empty targets never remove a translation.

    \b
    Examples:
      transkit xliff import xliff/ru/putin-prepares-to-visit-china.xlf
      transkit xliff import --mark fuzzy ~/omegat/target/*.xlf     # review in the PO editor first
    """
    from .xliff import import_xliff

    failed = False
    for path in files:
        try:
            result = import_xliff(config, path, mark)
        except TranskitError as exc:
            click.echo(f"transkit: error: {exc}", err=True)
            failed = True
            continue
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
        for error in result.errors:
            click.echo(f"error: {error}", err=True)
        if result.errors:
            click.echo(f"{path}: {len(result.errors)} unit(s) refused; nothing imported from this file", err=True)
            failed = True
            continue
        if not _quiet():
            for written in result.written:
                click.echo(f"wrote {written}")
            click.echo(f"xliff import {path}: {result.updated} updated, {result.confirmed} fuzzy flag(s) changed, "
                       f"{result.unchanged} unchanged, {result.kept_obsolete} kept as obsolete")
    if failed:
        sys.exit(EXIT_ERROR)


def _purge(config: Config, articles: tuple[str, ...], remove: bool, reported: list[str]) -> bool:
    """sync --purge-obsolete: list (dry run) or remove the obsolete entries; True when a catalog failed."""
    from .purge import purge_obsolete

    result = purge_obsolete(config, articles, remove)
    for error in result.errors:
        if error not in reported:  # sync already named this broken catalog
            click.echo(f"error: {error}", err=True)
    verb = "removed" if remove else "would remove"
    for entry in result.entries:
        shown = entry.msgid if len(entry.msgid) <= 60 else entry.msgid[:59] + "…"
        click.echo(f"{verb} {entry.path}:{entry.line}: obsolete {shown!r}")
    count = f"{len(result.entries)} obsolete entr{'y' if len(result.entries) == 1 else 'ies'} in {result.catalogs} catalog(s)"
    if remove:
        click.echo(f"purge: removed {count}")
    elif result.entries:
        click.echo(f"purge (dry run): {count} would be removed; run 'transkit sync --purge-obsolete --yes' to remove them")
    else:
        click.echo("purge (dry run): no obsolete entries")
    return bool(result.errors)


def run() -> NoReturn:
    """The ``transkit`` command: :func:`main`, then an immediate exit.

    When a command is done its files are in place, the lock is released and the pool's
    workers are gone; what the interpreter's teardown has left to do is free memory that
    the system frees anyway, ~10 ms after every command. Output is flushed first.
    (Tests drive :func:`main` through CliRunner, which this never touches.)
    """
    try:
        main()
        status = 0  # pragma: no cover - click's standalone mode always exits
    except SystemExit as exc:
        status = _exit_status(exc.code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe ("transkit status | head"): nothing more can be said
            pass
    os._exit(status)


def _exit_status(code: object) -> int:
    """The process status ``sys.exit(code)`` gives (a message is printed, and is status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":  # pragma: no cover
    run()
