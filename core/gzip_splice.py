"""A gzip response made of parts compressed once, with short per-response values spliced in.

A page the same for everyone but for a few tokens is compressed once, in the parts between the
tokens: each part ends with a full flush, which byte-aligns the stream and lets nothing after it
refer back into it. Each response then puts its own tokens between the parts as stored
(uncompressed) deflate blocks and closes the stream with the CRC of the whole. That costs a
CRC over the page (a few µs) instead of compressing it again for every visitor.
"""

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
    crc = zlib.crc32(parts[0])
    length = len(parts[0])
    for value, part, compressed in zip(values, parts[1:], compressed_parts[1:], strict=True):
        stream.append(_stored_block(value))
        stream.append(compressed)
        crc = zlib.crc32(part, zlib.crc32(value, crc))
        length += len(value) + len(part)
    stream.append(struct.pack("<II", crc, length & 0xFFFFFFFF))
    return b"".join(stream)


def _stored_block(value: bytes) -> bytes:
    # A non-final stored block: on a byte boundary (after a full flush) its 3 header bits and
    # padding are one zero byte, then the length and its one's complement.
    if len(value) > _MAX_STORED_BLOCK:
        raise ValueError("a spliced value is a token, not a page")
    return b"\x00" + struct.pack("<HH", len(value), len(value) ^ 0xFFFF) + value
