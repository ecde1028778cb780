"""A gzip response made of parts compressed once, with short per-response values spliced in.

A page the same for everyone but for a few tokens is compressed once, in the parts between the
tokens: each part ends with a full flush, which byte-aligns the stream and lets nothing after it
refer back into it. Each response then puts its own tokens between the parts as stored
(uncompressed) deflate blocks and closes the stream with the CRC of the whole, continued over
each kept part from tables worked out once per part: a response costs little more than copying
the bytes, instead of compressing the page again (or even reading it through) for every visitor.
"""

from __future__ import annotations

import functools
import struct
import zlib

# RFC 1952: the magic bytes, deflate, no flags, no modification time, no extra flags, unknown OS.
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_MAX_STORED_BLOCK = 0xFFFF


def compress_parts(parts: list[bytes]) -> tuple[bytes, ...]:
    """Each part as raw deflate at the best level, every part but the last ending with a full
    flush, the last ending the stream."""
    compressed = []
    for number, part in enumerate(parts, start=1):
        compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS, 9)
        last = number == len(parts)
        compressed.append(
            compressor.compress(part)
            + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)
        )
    return tuple(compressed)


def splice(parts: tuple[bytes, ...], compressed_parts: tuple[bytes, ...], values: list[bytes]):
    """The gzip stream of parts[0] + values[0] + parts[1] + … + parts[-1], from the parts as
    compress_parts made them; one value goes between each two parts."""
    if len(values) != len(parts) - 1:
        raise ValueError(f"{len(parts)} parts take {len(parts) - 1} values, not {len(values)}")
    stream = [_HEADER, compressed_parts[0]]
    crc = _Crc.of(parts[0]).after(0)
    length = len(parts[0])
    for value, part, compressed in zip(values, parts[1:], compressed_parts[1:], strict=True):
        stream.append(_stored_block(value))
        stream.append(compressed)
        crc = _Crc.of(part).after(zlib.crc32(value, crc))
        length += len(value) + len(part)
    stream.append(struct.pack("<II", crc, length & 0xFFFFFFFF))
    return b"".join(stream)


class _Crc:
    """The CRC-32 of one part, continued from any CRC of what came before it, without reading the
    part again: reading it costs each response as much as the rest of splicing.

    zlib.crc32(part, start) == zlib.crc32(part) ^ shift(start), where shift is linear (over
    GF(2)) in start's 32 bits, and depends only on the part's length. It is worked out once per
    part, one table per byte of `start`.
    """

    def __init__(self, part: bytes) -> None:
        self.crc = zlib.crc32(part)
        zeros = bytes(len(part))
        of_zeros = zlib.crc32(zeros)
        bits = [zlib.crc32(zeros, 1 << bit) ^ of_zeros for bit in range(32)]
        self.tables = []
        for byte in range(4):
            table = [0] * 256
            for value in range(1, 256):
                lowest = value & -value
                table[value] = table[value ^ lowest] ^ bits[8 * byte + lowest.bit_length() - 1]
            self.tables.append(table)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def of(part: bytes) -> _Crc:
        # The same bytes object on every hit of a kept page: found by identity, its hash kept.
        return _Crc(part)

    def after(self, start: int) -> int:
        """zlib.crc32(part, start)."""
        first, second, third, fourth = self.tables
        return (
            self.crc
            ^ first[start & 0xFF]
            ^ second[(start >> 8) & 0xFF]
            ^ third[(start >> 16) & 0xFF]
            ^ fourth[start >> 24]
        )


def _stored_block(value: bytes) -> bytes:
    # A non-final stored block: on a byte boundary (after a full flush) its 3 header bits and
    # padding are one zero byte, then the length and its one's complement.
    if len(value) > _MAX_STORED_BLOCK:
        raise ValueError("a spliced value is a token, not a page")
    return b"\x00" + struct.pack("<HH", len(value), len(value) ^ 0xFFFF) + value
