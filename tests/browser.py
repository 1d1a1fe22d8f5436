"""A real headless browser for the HTML pages' tests: Debian's `chromium`, offline.

`dump_dom` returns the DOM after the browser parsed (and would have run) the page;
`screenshot` renders it to PNG; `png_pixels` decodes that PNG (8-bit RGB/RGBA, what
Chromium writes) without an imaging library. Every launch blocks the network (a dead proxy
and no DNS), as on the procuratorate's internal network. Tests that need the browser skip
with one line when it is missing (CI installs it: `apt-get install -y chromium`).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)
_OFFLINE = ("--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND")


def _chromium(*args: str) -> subprocess.CompletedProcess[bytes]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",  # tests may run as root (containers, CI)
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                f"--user-data-dir={profile}",
                *_OFFLINE,
                *args,
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )


def dump_dom(page: Path) -> str:
    return _chromium("--dump-dom", page.resolve().as_uri()).stdout.decode("utf-8")


def screenshot(page: Path, out: Path, width: int = 1200, height: int = 1600) -> Path:
    _chromium(f"--screenshot={out}", f"--window-size={width},{height}", page.resolve().as_uri())
    assert out.is_file() and out.stat().st_size > 0
    return out


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB bytes) of an 8-bit, non-interlaced RGB or RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks = dict(_chunks(data[8:]))
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        _unfilter(kind, line, previous, channels)
        rows.append(bytes(line) if channels == 3 else bytes(_drop_alpha(line)))
        previous = line
    return width, height, rows


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    idat = b""
    while data:
        (length,) = struct.unpack(">I", data[:4])
        kind, body = data[4:8], data[8 : 8 + length]
        data = data[12 + length :]
        if kind == b"IDAT":
            idat += body
        else:
            yield kind, body
    yield b"IDAT", idat


def _unfilter(kind: int, line: bytearray, prev: bytearray, bpp: int) -> None:
    if kind in (0, 1, 2):  # the common filters, vectorised (Sub: a running sum per channel)
        row = np.frombuffer(bytes(line), dtype=np.uint8).astype(np.int64)
        if kind == 1:
            row = np.cumsum(row.reshape(-1, bpp), axis=0).reshape(-1)
        elif kind == 2:
            row = row + np.frombuffer(bytes(prev), dtype=np.uint8)
        line[:] = (row & 0xFF).astype(np.uint8).tobytes()
        return
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = prev[i]
        corner = prev[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            line[i] = (line[i] + pred) & 0xFF


def _drop_alpha(line: bytearray) -> bytearray:
    out = bytearray()
    for i in range(0, len(line), 4):
        out += line[i : i + 3]
    return out


def pixels_near(path: Path, colour: str, tolerance: int = 12) -> int:
    """How many pixels of the PNG are within `tolerance` of `colour` (#rrggbb) per channel."""
    target = np.frombuffer(bytes.fromhex(colour.removeprefix("#")), dtype=np.uint8)
    width, height, rows = png_pixels(path)
    image = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(height, width, 3)
    close = np.abs(image.astype(np.int16) - target.astype(np.int16)) <= tolerance
    return int(close.all(axis=2).sum())


class Elements(HTMLParser):
    """Elements of a DOM dump: (tag, attributes, text) for every element, in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []
        self._open: list[int] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}, []))
        if tag not in ("meta", "br", "link", "img", "input"):
            self._open.append(len(self.elements) - 1)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            index = self._open.pop()
            if self.elements[index][0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for index in self._open:
            self.elements[index][2].append(data)

    def text_of(self, index: int) -> str:
        return " ".join("".join(self.elements[index][2]).split())

    def cells(self, row: int) -> list[str]:
        """The texts of the cells (td, th) of the table row at `row`."""
        out = []
        for i in range(row + 1, len(self.elements)):
            tag = self.elements[i][0]
            if tag == "tr":
                break
            if tag in ("td", "th"):
                out.append(self.text_of(i))
        return out

    def find(self, tag: str, **attrs: str) -> list[int]:
        return [
            i
            for i, (t, a, _) in enumerate(self.elements)
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


# An external reference: a URL with a scheme or protocol-relative in src/href/url()/@import.
EXTERNAL = r"""(?:src|href|xlink:href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)|url\(|@import"""
