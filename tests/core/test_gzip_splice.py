"""A page compressed once, in the parts between its tokens, and each response's tokens spliced
in: what a browser decompresses is the page with those tokens, checked by gzip's own CRC."""

import gzip
import os
import random
import zlib

import pytest

from core.gzip_splice import _Crc, compress_parts, splice


def parts_of(text: str, separator: str = "|") -> list[bytes]:
    return [part.encode() for part in text.split(separator)]


@pytest.mark.parametrize(
    "values",
    [
        [b"tokenA", b"tokenB"],
        [b"", b""],  # empty values
        [b"x" * 65535, b"y"],  # the longest a stored block holds
        [os.urandom(40), b"\x00\xff"],  # any bytes
    ],
)
def test_the_spliced_stream_is_the_page_with_the_values(values):
    page = "<html>" + "calm words " * 400 + "|" + "<input>" * 300 + "|" + "</html>" * 200
    parts = parts_of(page)

    body = splice(tuple(parts), compress_parts(parts), values)

    expected = parts[0] + values[0] + parts[1] + values[1] + parts[2]
    assert gzip.decompress(body) == expected  # checks the CRC and length too
    assert zlib.decompress(body, wbits=31) == expected


def test_each_response_is_compressed_nearly_as_well_as_the_whole_page_at_once():
    # Each part starts afresh, without the earlier parts to refer to: a little larger.
    words = ("care", "calm", "evening", "group", "week", "family", "phone", "program", "call")
    text = random.Random(1)  # noqa: S311 (made-up text, not a secret)
    page = "|".join(" ".join(text.choice(words) for _ in range(1500)) for _ in range(3))
    parts = parts_of(page)
    tokens = [os.urandom(32).hex().encode(), os.urandom(40).hex().encode()]

    body = splice(tuple(parts), compress_parts(parts), tokens)

    whole = gzip.compress(tokens[0].join(parts[:2]) + tokens[1] + parts[2], compresslevel=9)
    assert len(body) < len(whole) * 1.15


def test_a_page_without_values_is_one_part():
    parts = [b"<html>nothing to put in</html>"]

    assert gzip.decompress(splice(tuple(parts), compress_parts(parts), [])) == parts[0]


def test_the_number_of_values_must_fit_the_parts():
    parts = parts_of("a|b|c")

    with pytest.raises(ValueError, match="3 parts take 2 values"):
        splice(tuple(parts), compress_parts(parts), [b"one"])


def test_a_value_too_long_for_one_stored_block_is_refused():
    parts = parts_of("a|b")

    with pytest.raises(ValueError, match="token"):
        splice(tuple(parts), compress_parts(parts), [b"x" * 65536])


@pytest.mark.parametrize("length", [0, 1, 7, 2635, 12041, 70000])
def test_a_parts_crc_continues_from_any_crc_before_it_as_zlib_would(length):
    part = os.urandom(length)
    crc = _Crc(part)

    for start in (0, 1, 0x80000000, 0xFFFFFFFF, zlib.crc32(b"what came before"), 0x12345678):
        assert crc.after(start) == zlib.crc32(part, start)
