"""Reading a QR code off a browser's screenshot, as a desk's scanner reads it off a phone: the PNG
Playwright takes, decoded here to grey levels (Chromium writes 8-bit RGB or RGBA, not interlaced),
then read by zxing-cpp."""

import struct
import zlib

import zxingcpp


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def png_to_grey(png: bytes) -> tuple[bytes, int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, data, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in (0, 2, 4, 6), (depth, colour, interlace)
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            data += body
    raw = zlib.decompress(data)
    stride = width * channels
    previous = bytearray(stride)
    grey = bytearray()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
        if channels >= 3:
            grey.extend(
                (line[i] * 3 + line[i + 1] * 6 + line[i + 2]) // 10 for i in range(0, stride, channels)
            )
        else:
            grey.extend(line[i] for i in range(0, stride, channels))
        previous = line
    return bytes(grey), width, height


def read_qr(png: bytes) -> str | None:
    """The text of the QR code in the picture, or None when none can be read."""
    grey, width, height = png_to_grey(png)
    found = zxingcpp.read_barcode(memoryview(grey).cast("B", (height, width)))
    return found.text if found else None
