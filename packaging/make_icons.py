"""Render the app icon set from its SVG source: PNGs 16..256 and a multi-size Windows .ico.

    python packaging/make_icons.py            # reads and writes resources/icons/

The source is ``resources/icons/pos_app.svg``. The PNGs (``pos_app_<size>.png``) are what the
app, the Linux ``.desktop`` entry and PyInstaller use; ``pos_app.ico`` holds every size up to 256
as PNG-compressed entries (Windows Vista and later read those) for the Windows executable and the
installer. Qt renders offscreen (QtSvg + QImage), so no display and no extra package is needed;
the outputs are committed, so a build machine need not run this.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256)
ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("PNG encoding failed")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (ICONDIR, ICONDIRENTRY×n, then the data)."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        blob = images[size]
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def make_icons(source: Path, out_dir: Path) -> list[Path]:
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"{source}: not a valid SVG")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    pngs: dict[int, bytes] = {}
    for size in SIZES:
        pngs[size] = png_bytes(render(renderer, size))
        path = out_dir / f"pos_app_{size}.png"
        path.write_bytes(pngs[size])
        written.append(path)
    ico = out_dir / "pos_app.ico"
    ico.write_bytes(ico_bytes(pngs))
    written.append(ico)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ICONS / "pos_app.svg")
    parser.add_argument("--out", type=Path, default=ICONS)
    args = parser.parse_args(argv)
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for path in make_icons(args.source, args.out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
