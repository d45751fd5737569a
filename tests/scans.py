"""Reports as scans and as table images, drawn from reportgen specs, for the OCR tests and bench.

A scan is the report printed (LibreOffice's PDF), rasterised by pdftoppm, then handled as paper
is: turned a degree or two, a red seal stamped over a table, sensor noise, JPEG blur, and
saved as an image-only PDF. A table-image page is the report as a CMS page whose three tables
are pictures (each table rendered alone by LibreOffice and cropped), saved beside the page.

    python tests/scans.py OUTDIR --count N     # N scanned PDFs and N table-image pages
"""

from __future__ import annotations

import argparse
import html
import io
import math
import random
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

try:
    from . import reportgen
except ImportError:  # run as a script
    import reportgen  # type: ignore[no-redef]

SEAL_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SEAL_RED = (210, 40, 45)


def page_images(pdf: Path, dpi: int = 150) -> list[Image.Image]:
    """The PDF's pages as pdftoppm draws them."""
    with tempfile.TemporaryDirectory(prefix="scans-") as folder:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), f"{folder}/page"], check=True, timeout=120)
        return [Image.open(path).convert("RGB") for path in sorted(Path(folder).glob("page-*.png"))]


def scanned(page: Image.Image, rng: random.Random, seal: bool, angle: float | None = None) -> Image.Image:
    """One page as a scanner gives it back: stamped, turned (by angle degrees, or a random turn
    of up to 2), noisy, blurred by JPEG."""
    if seal:
        page = stamped(page, rng)
    turn = rng.uniform(-2.0, 2.0)
    page = page.rotate(turn if angle is None else angle, resample=Image.Resampling.BICUBIC, fillcolor="white")
    noise = Image.effect_noise(page.size, 18).convert("RGB")
    page = Image.blend(page, ImageChops.multiply(page, noise), 0.12).filter(ImageFilter.GaussianBlur(0.4))
    return as_jpeg(page, quality=rng.randint(65, 85))


def stamped(page: Image.Image, rng: random.Random) -> Image.Image:
    """A round red seal over the middle right of the page (over a table on a table page);
    seal ink darkens the paper and leaves black print black, as a multiply blend does."""
    size = page.width // 4
    seal = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(seal)
    draw.ellipse((4, 4, size - 4, size - 4), outline=SEAL_RED, width=max(3, size // 40))
    _star(draw, size / 2, size / 2, size / 7)
    font = ImageFont.truetype(SEAL_FONT, size // 9)
    for index, character in enumerate("政府信息公开专用章"):
        angle = math.radians(200 + index * 140 / 8)
        x = size / 2 + size * 0.36 * math.cos(angle)
        y = size / 2 + size * 0.36 * math.sin(angle)
        draw.text((x, y), character, fill=SEAL_RED, font=font, anchor="mm")
    left = rng.randint(page.width // 2, page.width - size - 20)
    top = rng.randint(page.height // 4, page.height // 2)
    stamped_page = page.copy()
    region = stamped_page.crop((left, top, left + size, top + size))
    stamped_page.paste(ImageChops.multiply(region, seal), (left, top))
    return stamped_page


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for index in range(10):
        reach = radius if index % 2 == 0 else radius * 0.4
        angle = math.radians(-90 + index * 36)
        points.append((cx + reach * math.cos(angle), cy + reach * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def scanned_pdf(spec: reportgen.ReportSpec, pdf: Path, out: Path, dpi: int = 150,
                angle: float | None = None) -> Path:
    """An image-only PDF of the report's printed PDF, every page after the first sealed."""
    rng = random.Random(spec.seed * 131 + 5)
    pages = [scanned(page, rng, seal=index > 0, angle=angle) for index, page in enumerate(page_images(pdf, dpi))]
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return out


def scanned_pngs(spec: reportgen.ReportSpec, pdf: Path, outdir: Path, dpi: int = 150) -> list[Path]:
    """The scanned pages as PNG files, NAME-1.png, NAME-2.png, …"""
    rng = random.Random(spec.seed * 131 + 5)
    paths = []
    for index, page in enumerate(page_images(pdf, dpi), start=1):
        path = outdir / f"{pdf.stem}-{index}.png"
        scanned(page, rng, seal=index > 1).save(path)
        paths.append(path)
    return paths


# ---------------------------------------------------------------- tables drawn cell by cell


def drawn_table(rows: list[list[str]], widths: list[int], heights: list[int], margin: int = 40) -> Image.Image:
    """A ruled table drawn on white paper, each text centred in its cell, at about 150 dpi, and
    blurred as a scanner sees it."""
    page = Image.new("RGB", (sum(widths) + 2 * margin, sum(heights) + 2 * margin), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(SEAL_FONT, 18)
    xs = [margin + sum(widths[:i]) for i in range(len(widths) + 1)]
    ys = [margin + sum(heights[:i]) for i in range(len(heights) + 1)]
    for x in xs:
        draw.line((x, ys[0], x, ys[-1]), fill="black", width=1)
    for y in ys:
        draw.line((xs[0], y, xs[-1], y), fill="black", width=1)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            draw.text(((xs[c] + xs[c + 1]) / 2, (ys[r] + ys[r + 1]) / 2), text, fill="black", font=font, anchor="mm")
    return page.filter(ImageFilter.GaussianBlur(0.5))


def ring_over(page: Image.Image, centre: tuple[int, int], radius: int) -> Image.Image:
    """A seal's red ring stamped at centre (multiplied over the print), then saved as JPEG."""
    seal = Image.new("RGB", page.size, "white")
    x, y = centre
    ImageDraw.Draw(seal).ellipse((x - radius, y - radius, x + radius, y + radius), outline=SEAL_RED,
                                 width=max(3, radius // 12))
    return as_jpeg(ImageChops.multiply(page, seal), quality=70)


def as_jpeg(page: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    page.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


# ---------------------------------------------------------------- tables as images


def table_images(spec: reportgen.ReportSpec, stem: str, outdir: Path, dpi: int = 150) -> list[Path]:
    """Each table of the report as a PNG cropped to its ink, rendered alone by LibreOffice."""
    tables = [block for block in reportgen.document_blocks(spec) if isinstance(block, reportgen.TableBlock)]
    with tempfile.TemporaryDirectory(prefix="scans-tables-") as folder:
        sources = []
        for index, table in enumerate(tables, start=1):
            source = Path(folder) / f"{stem}-t{index}.docx"
            source.write_bytes(_table_docx(table))
            sources.append(source)
        pdfs = reportgen.convert_with_libreoffice(sources, "pdf", Path(folder) / "pdf")
        paths = []
        for pdf in pdfs:
            path = outdir / f"{pdf.stem}.png"
            _cropped(page_images(pdf, dpi)[0]).save(path)
            paths.append(path)
    return paths


def _table_docx(table: reportgen.TableBlock) -> bytes:
    import docx
    from docx.shared import Cm

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.4)
    reportgen._add_docx_table(document, table, repeat_header_rows=False)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _cropped(page: Image.Image, margin: int = 12) -> Image.Image:
    ink = ImageChops.invert(page.convert("L")).point(lambda value: 255 if value > 40 else 0)
    x0, y0, x1, y1 = ink.getbbox()
    return page.crop((max(0, x0 - margin), max(0, y0 - margin), x1 + margin, y1 + margin))


def table_image_page(spec: reportgen.ReportSpec, stem: str, outdir: Path) -> Path:
    """A CMS article page whose tables are <img> files beside it; the prose is text."""
    images = iter(table_images(spec, stem, outdir))
    parts = []
    for block in reportgen.document_blocks(spec, title=False):
        if isinstance(block, reportgen.Paragraph):
            parts.append(f"<p>{html.escape(block.text)}</p>")
        else:
            parts.append(f'<p style="text-align:center"><img src="{next(images).name}" width="640"></p>')
    title = html.escape(spec.title)
    page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<h1>{title}</h1><div class="info">发布时间：{spec.published.isoformat()}</div>'
            f'<div class="TRS_Editor">{"".join(parts)}</div></body></html>')
    path = outdir / f"{stem}.html"
    path.write_text(page, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Scanned PDFs and table-image pages of generated reports.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--count", type=int, default=4)
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    specs = reportgen.benchmark_specs(args.count)
    printed = reportgen.write_reports([(name, spec, "pdf") for name, spec in specs], args.outdir / "printed")
    for name, spec in specs:
        scanned_pdf(spec, printed[name], args.outdir / f"{name}-scan.pdf")
        table_image_page(spec, f"{name}-images", args.outdir)
    print(f"{len(specs)} scans and {len(specs)} table-image pages in {args.outdir}")


if __name__ == "__main__":
    main()
