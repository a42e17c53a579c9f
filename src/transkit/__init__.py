"""transkit: translate HTML articles through gettext catalogs."""

__version__ = "0.1.0"
