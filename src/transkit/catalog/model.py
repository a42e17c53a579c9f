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


_new_object = object.__new__
_set_attribute = object.__setattr__


def entry_from_fields(fields: dict[str, object]) -> Entry:
    """``Entry(**fields)`` for a dict of every field (in field order), without the frozen ``__init__``.

    That ``__init__`` sets each of the eleven fields with ``object.__setattr__``:
    a quarter of the time a catalog reader spends on an entry. Entry has no
    ``__post_init__`` nor slots (tests/catalog/test_pofile_fast.py checks this).
    """
    entry = _new_object(Entry)
    _set_attribute(entry, "__dict__", fields)
    return entry


def blank_entry() -> Entry:
    """An Entry with every field at its default, for a reader to set the others in ``vars(entry)`` before
    anyone sees it: half the cost of ``entry_from_fields`` with a dict of every field (the defaults are
    copied into a dict laid out like every Entry's; the value is the same, tested)."""
    entry = _new_object(Entry)
    entry.__dict__.update(_ENTRY_DEFAULTS)  # in field order, as __init__ would fill it
    return entry


def new_entry(msgid: str, references: tuple[str, ...], extracted_comments: tuple[str, ...]) -> Entry:
    """``Entry(msgid=..., references=..., extracted_comments=...)`` at a quarter of the cost (the same value:
    a frozen dataclass's __init__ only sets its fields one object.__setattr__ at a time; tested)."""
    entry = blank_entry()
    fields = entry.__dict__
    fields["msgid"] = msgid
    fields["references"] = references
    fields["extracted_comments"] = extracted_comments
    return entry


def changed_entry(entry: Entry, **changes: object) -> Entry:
    """``dataclasses.replace(entry, **changes)`` for field names, at a fraction of the cost (Entry has no
    __post_init__ and no init=False field, so replace is a copy of the fields; tested)."""
    copy = _new_object(Entry)
    fields = copy.__dict__
    fields.update(entry.__dict__)
    fields.update(changes)
    return copy


def placed_entry(
    entry: Entry, references: tuple[str, ...], extracted_comments: tuple[str, ...], obsolete: bool
) -> Entry:
    """``changed_entry(entry, references=..., extracted_comments=..., obsolete=...)``, the change a merge
    makes to most kept entries (their lines moved), without building the keyword dict (tested)."""
    copy = _new_object(Entry)
    fields = copy.__dict__
    fields.update(entry.__dict__)
    fields["references"] = references
    fields["extracted_comments"] = extracted_comments
    fields["obsolete"] = obsolete
    return copy


_ENTRY_DEFAULTS = dict(vars(Entry(msgid="")))  # (a copy: the field order and default values)


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
