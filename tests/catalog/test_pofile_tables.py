"""The writer's UAX #14 lookup tables, built at import by fast constructions, against plain loops."""

from __future__ import annotations

import base64
import zlib

from transkit.catalog import pofile


def _expanded_codes() -> bytes:
    """Every code point's code (class << 2 | width >= 0), decoded from _UNICODE_DATA run by run."""
    data = zlib.decompress(base64.b85decode(pofile._UNICODE_DATA))
    codes = []
    index = 0
    while index < len(data):
        value, length, shift = data[index], 0, 0
        index += 1
        while True:
            byte = data[index]
            index += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        kind = pofile._RESOLVE.get(value >> 2, value >> 2)
        codes.append(bytes([kind << 2 | max((value & 3) - 1, 0)]) * length)
    return b"".join(codes)


def test_runs_give_every_code_point_its_code() -> None:
    expected = _expanded_codes()
    assert len(expected) == 0x110000
    starts = [*pofile._RUN_STARTS, 0x110000]
    runs = zip(pofile._RUN_CODES, starts, starts[1:])
    assert b"".join(bytes([code]) * (end - start) for code, start, end in runs) == expected
    for start, end in zip(starts, starts[1:]):  # _code_of at both ends of every run
        assert pofile._code_of(start) == expected[start] and pofile._code_of(end - 1) == expected[end - 1]
    assert bytes(pofile._code_of(code) for code in range(128)) == pofile._ASCII_CODES[:128] == expected[:128]


def test_codepage_tables_are_the_decoded_bytes_codes() -> None:
    expected = _expanded_codes()
    for codec, table in pofile._CODEPAGES:
        for byte in range(256):
            try:
                character = bytes([byte]).decode(codec)
            except UnicodeDecodeError:
                assert table[byte] == 0, (codec, byte)
                continue
            assert table[byte] == expected[ord(character)], (codec, byte)


def test_code_pair_tables_are_the_class_pair_tables() -> None:
    for flat, table in (
        (pofile._BREAK_DIRECT, pofile._DIRECT_CODES),
        (pofile._BREAK_AFTER_SPACE, pofile._AFTER_SPACE_CODES),
    ):
        expected = bytearray(1 << 16)
        for last in range(33 * 4):
            for this in range(33 * 4):
                expected[last << 8 | this] = flat[(last >> 2) * 34 + (this >> 2)]
        assert table == bytes(expected)
