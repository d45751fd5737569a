"""A page image made ready for OCR: decoded within bounds, seal removed, straightened, binarised.

Scans arrive as photos of paper: a red seal stamped over the tables, a page fed a degree or two
askew, JPEG blur. The table finder needs straight ruling lines and the recogniser dark text on
white, so the page is cleaned once here and both work on the result.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Iterator

import cv2
import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from .errors import ParseError

# An A4 page at 600 dpi is 35 megapixels; a bigger "page" is a bomb or a poster, not a report.
MAX_PIXELS = 40_000_000
# Work at about 150 dpi: enough for 9-point table text, and ruling lines stay thin.
WORKING_HEIGHT = 1800
MAX_SKEW_DEGREES = 4.0
# Seal ink: much redder than it is green or blue (black text printed over it stays dark).
_SEAL_REDNESS = 30
_SEAL_MIN_RED = 90
# Seal ink read in red light lighter than this is the seal's stroke; darker, print under it.
_SEAL_REMNANT = 165
# Near a seal's stroke, what is lighter than this is its JPEG ghost, not print.
_SEAL_GHOST = 140
# Ruling lines turned and blurred by a scan fade to grey: anything clearly darker than paper.
_RULE_GREY = 200


@dataclass
class PageImage:
    gray: np.ndarray    # cleaned, straightened, white paper
    ink: np.ndarray     # binary: 255 where there is ink
    lines: np.ndarray   # binary: 255 where ink or grey might be part of a ruling line
    skew: float         # degrees the scan was turned by
    seal: np.ndarray    # binary: 255 where seal ink was taken out (a rule under it may be broken)
    soft: np.ndarray    # gray before the seal's remnants and ghosts were cut: a second look at a cell


def open_image(data: bytes) -> Image.Image:
    """The image, its header read and its size checked; no pixel is decoded yet."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise ParseError(f"image past the {MAX_PIXELS // 1_000_000} megapixel limit for a page "
                         "(a decompression bomb?)") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ParseError(f"not a readable image ({_detail(error)})") from None
    check_pixels(image.width, image.height)
    return image


def open_frames(data: bytes, max_frames: int) -> Iterator[Image.Image]:
    """Each frame of the image (a multi-page TIFF has several), decoded one at a time."""
    image = open_image(data)
    frames = getattr(image, "n_frames", 1)
    if frames > max_frames:
        raise ParseError(f"image of {frames} pages: past the {max_frames}-page limit for OCR")
    for frame in ImageSequence.Iterator(image):
        check_pixels(frame.width, frame.height)
        try:
            frame.load()
        except (OSError, SyntaxError, ValueError) as error:
            raise ParseError(f"damaged image ({_detail(error)})") from None
        yield frame


def _detail(error: Exception) -> str:
    return " ".join(str(error).split())[:80] or type(error).__name__


def check_pixels(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise ParseError(f"image of {width} x {height} pixels: past the {MAX_PIXELS // 1_000_000} megapixel limit for a page")
    if min(width, height) < 16:
        raise ParseError(f"image of {width} x {height} pixels: too small to be a page")


def prepare(image: Image.Image) -> PageImage:
    rgb = np.asarray(_scaled(image.convert("RGB")))
    seal = _seal_mask(rgb)
    soft = _gray_without_seal(rgb, seal)
    gray = _without_seal_remnants(soft, seal)
    skew = _skew_angle(_binarised(gray))
    if abs(skew) >= 0.05:
        gray, soft = _rotated(gray, skew), _rotated(soft, skew)
        seal = np.where(_rotated(seal, skew, fill=0) > 0, 255, 0).astype(np.uint8)
    lines = np.where(gray < _RULE_GREY, 255, 0).astype(np.uint8)
    gray = _without_seal_ghosts(gray, seal)
    return PageImage(gray, _binarised(gray), lines, skew, seal, soft)


def _without_seal_ghosts(gray: np.ndarray, seal: np.ndarray) -> np.ndarray:
    """Around the seal's strokes only dark print is kept for reading: the grey ghost JPEG leaves
    of a stroke reads as a 1 or a dash beside a figure. (Rules were taken before, grey and all.)"""
    near = cv2.dilate(seal, np.ones((7, 7), np.uint8)) > 0
    if not near.any():
        return gray
    gray = gray.copy()
    ghost = near & (gray >= _SEAL_GHOST)
    gray[ghost] = np.uint8(np.median(gray))
    return gray


def _scaled(image: Image.Image) -> Image.Image:
    """Pages are brought near the working height: line and text sizes then hold across scans."""
    if abs(image.height - WORKING_HEIGHT) <= WORKING_HEIGHT * 0.15 or image.height < 600:
        return image
    ratio = WORKING_HEIGHT / image.height
    return image.resize((max(1, round(image.width * ratio)), WORKING_HEIGHT), Image.Resampling.LANCZOS)


def _seal_mask(rgb: np.ndarray) -> np.ndarray:
    """255 where the ink is a seal's red, much redder than it is green or blue."""
    channels = rgb.astype(np.int16)
    red, green, blue = channels[..., 0], channels[..., 1], channels[..., 2]
    seal = (red >= _SEAL_MIN_RED) & (red - np.maximum(green, blue) >= _SEAL_REDNESS)
    return np.where(seal, 255, 0).astype(np.uint8)


def _gray_without_seal(rgb: np.ndarray, seal: np.ndarray) -> np.ndarray:
    """Grey page with red ink taken out. Under a seal only the red channel is read: seal ink
    passes red light, so there it shows the print below (a rule, a figure) and not the seal."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    inside = seal > 0
    if inside.any():
        red = rgb[..., 0][inside].astype(np.float32)
        # Red light through the seal's own ink over paper (its median) is brought to paper white.
        paper = float(np.median(gray))
        gray[inside] = np.clip(red * (paper / max(1.0, float(np.median(red)))), 0, 255).astype(np.uint8)
    return gray


def _without_seal_remnants(gray: np.ndarray, seal: np.ndarray) -> np.ndarray:
    """JPEG leaves a thin red stroke darker than the seal's own red, yet lighter than print under
    the seal: under the seal, what is lighter than print is paper."""
    inside = (seal > 0) & (gray >= _SEAL_REMNANT)
    if not inside.any():
        return gray
    gray = gray.copy()
    gray[inside] = np.uint8(np.median(gray))
    return gray


def _binarised(gray: np.ndarray) -> np.ndarray:
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # Otsu on a blank page splits the paper's own noise: ink must also be truly dark.
    ink[gray > 170] = 0
    return ink


def _skew_angle(ink: np.ndarray) -> float:
    """The turn that makes rows of ink sharpest (text lines and ruling lines both), coarse to fine."""
    small = cv2.resize(ink, (ink.shape[1] // 2, ink.shape[0] // 2), interpolation=cv2.INTER_AREA)
    best = 0.0
    for step, reach in ((0.5, MAX_SKEW_DEGREES), (0.1, 0.5), (0.025, 0.1)):
        candidates = np.arange(best - reach, best + reach + step / 2, step)
        best = max(candidates, key=lambda angle: _row_sharpness(small, angle))
    return float(best)


def _row_sharpness(ink: np.ndarray, angle: float) -> float:
    rows = _rotated(ink, angle, fill=0).sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def _rotated(image: np.ndarray, angle: float, fill: int = 255) -> np.ndarray:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
