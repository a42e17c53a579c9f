"""Plain data for catalogs, independent of polib.

Stages pass these frozen values around; only ``pofile`` converts to and from
the PO text format.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Entry:
    """One message of a PO/POT file (transkit never writes plural entries)."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    flags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    extracted_comments: tuple[str, ...] = ()
    translator_comments: tuple[str, ...] = ()
    previous_msgid: str | None = None
    previous_msgctxt: str | None = None
    obsolete: bool = False
    line: int = field(default=0, compare=False)  # where it was read, for messages; never written

    @property
    def key(self) -> tuple[str | None, str]:
        """Identity of a message inside a catalog, as gettext defines it."""
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and not self.fuzzy and not self.obsolete

    def with_flag(self, flag: str, present: bool = True) -> Entry:
        """Return a copy with ``flag`` added (or removed), keeping flag order stable."""
        flags = tuple(f for f in self.flags if f != flag)
        if present:
            flags = (flag, *flags) if flag == "fuzzy" else (*flags, flag)
        return replace(self, flags=flags)


@dataclass(frozen=True)
class Catalog:
    """A whole PO/POT file: header comment lines, header fields and entries."""

    header_comments: tuple[str, ...] = ()
    header_fields: tuple[tuple[str, str], ...] = ()
    header_flags: tuple[str, ...] = ()
    entries: tuple[Entry, ...] = field(default_factory=tuple)

    def header(self, name: str, default: str = "") -> str:
        for key, value in self.header_fields:
            if key == name:
                return value
        return default

    def with_header(self, name: str, value: str) -> Catalog:
        """Return a copy with header ``name`` set, appended if new."""
        fields = list(self.header_fields)
        for index, (key, _) in enumerate(fields):
            if key == name:
                fields[index] = (name, value)
                break
        else:
            fields.append((name, value))
        return replace(self, header_fields=tuple(fields))

    @property
    def live_entries(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if not e.obsolete)
