"""Page images (scans, photos of tables) into the common form, with RapidOCR's PP-OCR models.

The models ship inside the rapidocr-onnxruntime wheel, so nothing is fetched at run time. Only
its recogniser is used: the ruled grid (grid.py) already says where each cell is, and the text
outside the tables is cut into lines by its ink, so the slow text detector never runs. Each
cell is recognised line by line and its lines joined; each page has a time bound.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from .document import Block, Cell, Document, Table
from .errors import OCR_WARNING, NotAReport, ParseError
from .grid import FoundTable, find_tables
from .lines import Line, ParagraphJoiner, join_wrapped, page_margins, without_page_numbers
from .pageimage import WORKING_HEIGHT, PageImage, check_pixels, open_frames, prepare
from .valuecells import misread, plausible, value_cells

BLANK = "blank scan: no text found on the page images"
MAX_PAGES = 60
PAGE_SECONDS = 30.0
# A page of text is mostly paper; a photo or a picture is not.
_MAX_INK_SHARE = 0.3
_CROP_PADDING = 4
_CROP_SHARE = 0.25
# The recogniser's confidence over which a second look at a misread figure counts.
_SURE = 0.5
_RULE_EDGE = 2
_BATCH = 1
_CHUNK = 64
_MIN_LINE_HEIGHT = 5
# How far into a cell a ruling line's blurred or tilted remnant reaches.
_RULE_REACH = 6
_DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=\d)")
# What the recogniser reads for a digit in a cell of figures: o for 0, l or I for 1.
_FIGURES = re.compile(r"[\doOlI|.,\s]*[\doO][\doOlI|.,\s]*")
_AS_DIGITS = str.maketrans("oOlI|", "00111")
# Specks of noise or seal ink beside a figure, read as quotes or dots.
_STRAY_MARKS = "\"'“”‘’`·.,:;"


@dataclass
class _TextLine:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1
    text: str = ""
    score: float = 0.0  # the recogniser's confidence in text
    clip: tuple[int, int, int, int] = (0, 0, 1 << 30, 1 << 30)  # the cell (or page) it lies in


def extract(data: bytes) -> Document:
    """An image file: each frame of it (a multi-page TIFF) is a page."""
    document = Document(format="image", warnings=[OCR_WARNING])
    joiner = ParagraphJoiner(document.blocks)
    for number, page in enumerate(open_frames(data, MAX_PAGES), start=1):
        add_page(document.blocks, joiner, read_page(page, number, document.warnings))
    if not document.blocks:
        raise NotAReport(BLANK)
    return document


class ScannedPages:
    """The pages of a PDF without a text layer, rendered and read. The page limit is checked
    over the whole file before the first is read, so a long scan is refused at once."""

    BLANK = BLANK

    def __init__(self, data: bytes) -> None:
        import pypdfium2

        try:
            self.document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as error:
            raise ParseError(f"not a readable PDF for OCR ({error})") from None
        scanned = sum(1 for page in self.document if page.get_textpage().count_chars() == 0)
        if scanned > MAX_PAGES:
            raise ParseError(f"scanned PDF of {scanned} pages: past the {MAX_PAGES}-page limit for OCR")
        self.warnings: list[str] = []  # figures the pages read left blank

    def read(self, number: int) -> list[Line | Table]:
        page = self.document[number - 1]
        scale = WORKING_HEIGHT / max(1.0, page.get_height())
        check_pixels(round(page.get_width() * scale), round(page.get_height() * scale))
        return read_page(page.render(scale=scale).to_pil(), number, self.warnings)


def add_page(blocks: list[Block], joiner: ParagraphJoiner, items: list[Line | Table]) -> None:
    """A page's lines and tables in reading order; a table ends the paragraph before it."""
    lines = [item for item in items if isinstance(item, Line)]
    margins = page_margins(lines)
    for item in items:
        if isinstance(item, Line):
            joiner.add(item, margins)
        else:
            blocks.append(item)
            joiner.close()
    joiner.close()


def read_page(image: Image.Image, number: int = 1, warnings: list[str] | None = None) -> list[Line | Table]:
    """The page's text lines and tables, top to bottom; figures left blank are told in warnings."""
    deadline = time.monotonic() + PAGE_SECONDS
    page = prepare(image)
    if np.count_nonzero(page.ink) > _MAX_INK_SHARE * page.ink.size:
        raise NotAReport(f"page {number} is a picture, not a page of text (a photo?)")
    tables = find_tables(page.lines, page.seal)
    cell_lines = {id(table): _cell_lines(page, table) for table in tables}
    lines = _page_lines(page, [table.box for table in tables])
    everything = [line for table_lines in cell_lines.values() for cell in table_lines.values() for line in cell]
    _recognise(page.gray, everything + lines, deadline, number)
    for table_lines in cell_lines.values():
        _check_figures(page, table_lines, deadline, number, warnings if warnings is not None else [])
    items: list[tuple[int, Line | Table]] = [(table.box[1], _table(table, cell_lines[id(table)])) for table in tables]
    items += [(line.top, line) for line in without_page_numbers([_line(found) for found in lines if found.text])]
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def _line(found: _TextLine) -> Line:
    x0, y0, x1, y1 = found.box
    return Line(found.text, x0, x1, y0, y1 - y0)


# ---------------------------------------------------------------- lines of ink


def _page_lines(page: PageImage, table_boxes: list[tuple[int, int, int, int]]) -> list[_TextLine]:
    ink = page.ink.copy()
    for x0, y0, x1, y1 in table_boxes:
        ink[max(0, y0 - 4):y1 + 4, max(0, x0 - 4):x1 + 4] = 0
    return _ink_lines(ink, 0, 0)


def _cell_lines(page: PageImage, table: FoundTable) -> dict[tuple[int, int], list[_TextLine]]:
    found = {}
    for cell in table.cells:
        x0, y0, x1, y1 = cell.box
        region = _without_rule_remnants(page.ink[y0:y1, x0:x1])
        found[(cell.row, cell.column)] = _ink_lines(region, x0, y0)
    return found


def _without_rule_remnants(region: np.ndarray) -> np.ndarray:
    """Rows and columns at a cell's edge that are nearly all ink are the rules, not text."""
    region = region.copy()
    if region.size == 0:
        return region
    # Only near the edge: the stem of a 1 fills most of a short cell's height.
    region[_edge_lines((region > 0).mean(axis=1) >= 0.8), :] = 0
    region[:, _edge_lines((region > 0).mean(axis=0) >= 0.8)] = 0
    return region


def _edge_lines(full: np.ndarray) -> np.ndarray:
    edge = np.zeros_like(full)
    edge[:_RULE_REACH], edge[-_RULE_REACH:] = True, True
    return full & edge


def _ink_lines(ink: np.ndarray, left: int, top: int) -> list[_TextLine]:
    """Lines of text in a region: runs of rows with ink, strokes of one character kept together."""
    if ink.size == 0:
        return []
    rows = np.count_nonzero(ink, axis=1)
    runs = _runs(rows >= 1)
    runs = _merged_runs([run for run in runs if rows[run[0]:run[1]].sum() >= 4])
    lines = []
    for y0, y1 in runs:
        if y1 - y0 < _MIN_LINE_HEIGHT and rows[y0:y1].sum() < 12:
            continue  # a speck of noise
        columns = np.flatnonzero(np.count_nonzero(ink[y0:y1], axis=0))
        box = (left + int(columns[0]), top + y0, left + int(columns[-1]) + 1, top + y1)
        lines.append(_TextLine(box, clip=(left, top, left + ink.shape[1], top + ink.shape[0])))
    return lines


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate(([False], mask, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]


def _merged_runs(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs joined while they fit in one line's height: 三 or 二 is several runs of ink."""
    if not runs:
        return []
    line_height = max(b - a for a, b in runs)
    merged = [list(runs[0])]
    for a, b in runs[1:]:
        gap = a - merged[-1][1]
        if b - merged[-1][0] <= line_height * 1.15 and gap <= line_height * 0.6:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


# ---------------------------------------------------------------- recognition


@lru_cache(maxsize=1)
def _recogniser():
    import rapidocr_onnxruntime
    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer

    model = Path(rapidocr_onnxruntime.__file__).parent / "models" / "ch_PP-OCRv4_rec_infer.onnx"
    # The smallest input width: each batch is as wide as its widest crop, not 320 pixels.
    return TextRecognizer({"model_path": str(model), "rec_img_shape": [3, 48, 48], "rec_batch_num": _BATCH,
                           "intra_op_num_threads": 1, "use_cuda": False, "use_dml": False})


def _recognise(gray: np.ndarray, lines: list[_TextLine], deadline: float, number: int) -> None:
    recogniser = _recogniser()
    order = sorted(range(len(lines)), key=lambda i: _ratio(lines[i].box))
    for start in range(0, len(order), _CHUNK):
        if time.monotonic() > deadline:
            raise ParseError(f"OCR of page {number} took over {PAGE_SECONDS:.0f} s: stopped")
        chunk = order[start:start + _CHUNK]
        results, _ = recogniser([_crop(gray, lines[i]) for i in chunk])
        for i, (text, score) in zip(chunk, results):
            lines[i].text, lines[i].score = text.strip(), float(score)


def _ratio(box: tuple[int, int, int, int]) -> float:
    return (box[2] - box[0]) / max(1, box[3] - box[1])


def _crop(gray: np.ndarray, line: _TextLine, share: float = _CROP_SHARE) -> np.ndarray:
    """The line with a margin of paper in proportion to its height: the recogniser, trained on
    such crops, misreads a lone figure cut tight (2 as N). The margin stops short of the cell's
    rules (a grey edge over a 0 reads as a); paper is added beyond."""
    x0, y0, x1, y1 = line.box
    padding = max(_CROP_PADDING, round((y1 - y0) * share))
    wanted = (x0 - padding, y0 - padding, x1 + padding, y1 + padding)
    inner = _inside_rules(line, gray.shape)
    left, top = max(wanted[0], inner[0]), max(wanted[1], inner[1])
    right, bottom = min(wanted[2], inner[2]), min(wanted[3], inner[3])
    crop = gray[top:bottom, left:right]
    paper = int(np.percentile(crop, 90)) if crop.size else 255
    crop = cv2.copyMakeBorder(crop, top - wanted[1], wanted[3] - bottom, left - wanted[0], wanted[2] - right,
                              cv2.BORDER_CONSTANT, value=paper)
    return cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)


def _inside_rules(line: _TextLine, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The line's cell a little inside its edges (a rule blurred by the scan), never into the text."""
    (x0, y0, x1, y1), (left, top, right, bottom) = line.box, line.clip
    return (max(0, min(x0, left + _RULE_EDGE)), max(0, min(y0, top + _RULE_EDGE)),
            min(shape[1], max(x1, right - _RULE_EDGE)), min(shape[0], max(y1, bottom - _RULE_EDGE)))


# ---------------------------------------------------------------- tables


def _check_figures(page: PageImage, lines: dict[tuple[int, int], list[_TextLine]], deadline: float,
                   number: int, warnings: list[str]) -> None:
    """A value cell that reads as no figure is read again from the page as it was before the
    seal's remnants were cut out; kept if that second look is a figure, else left blank with a
    warning: a guessed figure is worse than none."""
    texts = {key: _cell_text(cell_lines) for key, cell_lines in lines.items()}
    for key in sorted(value_cells(texts)):
        if not misread(texts[key]):
            continue
        second = [_TextLine(line.box, clip=line.clip) for line in lines[key]]
        _recognise(page.soft, second, deadline, number)
        if plausible(_cell_text(second)) and all(line.score >= _SURE for line in second):
            lines[key] = second
        else:
            lines[key] = []
            warnings.append(f"ocr: page {number}: a figure misread as {texts[key]!r} was left blank")


def _table(found: FoundTable, lines: dict[tuple[int, int], list[_TextLine]]) -> Table:
    rows = len(found.ys) - 1
    columns = len(found.xs) - 1
    grid: list[list[Cell | None]] = [[None] * columns for _ in range(rows)]
    for cell in found.cells:
        text = _cell_text(lines[(cell.row, cell.column)])
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.column, cell.column + cell.colspan):
                if grid[r][c] is None:
                    first = (r, c) == (cell.row, cell.column)
                    grid[r][c] = Cell(text) if first else Cell(text, merged=True)
    return Table([[cell or Cell("") for cell in row] for row in grid])


def _cell_text(lines: list[_TextLine]) -> str:
    text = ""
    for line in lines:
        text = join_wrapped(text, line.text)
    if _FIGURES.fullmatch(text.strip(_STRAY_MARKS)):
        text = text.strip(_STRAY_MARKS).translate(_AS_DIGITS)
    return _DIGIT_GAP.sub("", text)


# ---------------------------------------------------------------- images in an HTML page

_MIN_TABLE_IMAGE = (200, 60)  # smaller pictures are icons, logos and rules


def blocks_with_images(body, folder: Path | None, walk) -> tuple[list[Block], list[str]]:
    """The body's blocks with each readable <img> replaced by what OCR reads in it.

    Each image is first swapped for a marker paragraph, so the walk puts it in reading order.
    Images are read from data: URIs, and from files beside the page when a folder is given.
    """
    markers: dict[str, bytes] = {}
    unresolved: list[str] = []
    for index, image in enumerate(list(body.iter("img"))):
        source = (image.get("src") or "").strip()
        data = _image_bytes(source, folder)
        if data is None:
            unresolved.append(source)
            continue
        marker = f"\ue000ocr-image-{index}\ue000"
        markers[marker] = data
        image.tag, image.text = "p", marker
    blocks, warnings = walk(body)
    read: list[Block] = []
    joiner = ParagraphJoiner(read)
    for block in blocks:
        if isinstance(block, str) and block in markers:
            _add_image(read, joiner, markers[block], len(markers), warnings)
        elif isinstance(block, str):
            read.append(block)
            joiner.close()
        else:
            read.append(block)
    return read, warnings + _image_warnings(markers, unresolved)


def _add_image(blocks: list[Block], joiner: ParagraphJoiner, data: bytes, count: int, warnings: list[str]) -> None:
    if count > MAX_PAGES:
        raise ParseError(f"page of {count} images: past the {MAX_PAGES}-image limit for OCR")
    try:
        frame = next(open_frames(data, 1))
    except ParseError:
        return  # a broken picture on a page is not a broken report
    if frame.width >= _MIN_TABLE_IMAGE[0] and frame.height >= _MIN_TABLE_IMAGE[1]:
        joiner.close()
        add_page(blocks, joiner, read_page(frame, warnings=warnings))


def _image_bytes(source: str, folder: Path | None) -> bytes | None:
    if source.startswith("data:"):
        import base64
        import binascii

        header, _, payload = source.partition(",")
        try:
            return base64.b64decode(payload) if header.endswith(";base64") else None
        except (binascii.Error, ValueError):
            return None
    if folder is None or not source or "://" in source or source.startswith(("/", "\\")):
        return None
    from urllib.parse import unquote

    path = folder / unquote(source.split("?")[0].split("#")[0])
    try:
        return path.read_bytes() if path.is_file() and path.stat().st_size <= 50 * 1024 * 1024 else None
    except OSError:
        return None


def _image_warnings(markers: dict[str, bytes], unresolved: list[str]) -> list[str]:
    warnings = [OCR_WARNING] if markers else []
    if unresolved:
        listed = ", ".join(source[:80] for source in unresolved[:5]) + (" …" if len(unresolved) > 5 else "")
        warnings.append(f"ocr: images on the page not read (not saved beside it): {listed}")
    return warnings
