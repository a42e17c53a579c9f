"""Exceptions the library raises; only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class TranskitError(Exception):
    """Base class: a problem the user can fix, reported as one line."""

    exit_code = 2


class ConfigError(TranskitError):
    """transkit.toml is missing a value, has an unknown key or a bad value."""


class SourceError(TranskitError):
    """A source HTML file cannot be read or parsed."""


class CatalogError(TranskitError):
    """A PO/POT file cannot be read; it is never overwritten."""


class OutputError(TranskitError):
    """A file cannot be written (a folder in its place, no space left, no permission); it stays as it was."""


class PlaceholderError(TranskitError):
    """A translation's placeholders do not match its msgid."""


class LockError(TranskitError):
    """Another transkit process holds the project lock."""
