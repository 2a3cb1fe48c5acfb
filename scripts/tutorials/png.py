"""Decodes a PNG (8-bit greyscale, RGB, palette or RGBA, non-interlaced: what jaclab's renderers and Graphviz
write) into rows of RGBA pixels, so that images can be compared by what they show, not by their bytes."""

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


class PngError(ValueError):
    pass


def decode(data):
    """(width, height, pixels) where pixels is a list of rows, each a bytes object of RGBA values."""
    if data[:8] != SIGNATURE:
        raise PngError("not a PNG (bad signature)")
    offset, idat, palette, header = 8, [], None, None
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise PngError("no IHDR chunk")
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or interlace != 0 or color not in CHANNELS:
        raise PngError(f"unsupported PNG: bit depth {depth}, colour type {color}, interlace {interlace}")
    channels = CHANNELS[color]
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels)
        rows.append(to_rgba(row, color, palette))
        previous = row
    return width, height, rows


def unfilter(kind, row, previous, bpp):
    for i in range(len(row)):
        left = row[i - bpp] if i >= bpp else 0
        up = previous[i]
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 2:
            row[i] = (row[i] + up) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            corner = previous[i - bpp] if i >= bpp else 0
            row[i] = (row[i] + paeth(left, up, corner)) & 0xFF
        elif kind != 0:
            raise PngError(f"bad filter type {kind}")
    return row


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def to_rgba(row, color, palette):
    if color == 6:
        return bytes(row)
    out = bytearray()
    if color == 2:
        for i in range(0, len(row), 3):
            out += row[i : i + 3] + b"\xff"
    elif color == 0:
        for v in row:
            out += bytes((v, v, v, 255))
    elif color == 4:
        for i in range(0, len(row), 2):
            out += bytes((row[i], row[i], row[i], row[i + 1]))
    else:
        for v in row:
            out += palette[3 * v : 3 * v + 3] + b"\xff"
    return bytes(out)
