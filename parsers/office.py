"""DOC and WPS (Kingsoft's Word-97 file) into the common form, through LibreOffice.

LibreOffice's HTML export keeps true rowspan/colspan, so the HTML table code reads its output.
Starting soffice costs about a second, so many files go through one call. antiword is the
text-only fallback when LibreOffice is not installed.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

from .document import Document, Table
from .errors import ParseError, ScannedDocument
from .html import decode, document_from_html

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ANTIWORD = shutil.which("antiword")
BATCH_TIMEOUT = 60.0
TIMEOUT_PER_FILE = 5.0
ANTIWORD_TIMEOUT = 30.0
NO_OUTPUT = "LibreOffice could not convert it"
NO_TABLES = "tables not recovered: LibreOffice missing"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The OLE directory stores stream names in UTF-16LE; every Word-97 file (and WPS) has this one.
_WORD_STREAM = "WordDocument".encode("utf-16-le")
# wIdent at the start of the WordDocument stream: Word 97 and later, Word 6/95.
_FIB_MAGICS = (b"\xec\xa5", b"\xdc\xa5")
# Streams start on sector boundaries (512 or 4096), small ones on 64-byte mini-sector boundaries.
_SECTOR_ALIGN = 64

Result = Document | ParseError


def extract(data: bytes, format: str = "doc") -> Document:
    """One file; its ParseError is raised."""
    result = extract_many([(f"file.{format}", data)])[0]
    if isinstance(result, ParseError):
        raise result
    result.format = format
    return result


def extract_many(items: list[tuple[str, bytes]], soffice: str | None = SOFFICE) -> list[Result]:
    """A Document or a ParseError for each (name, bytes), in order; LibreOffice runs once for all."""
    results: list[Result | None] = [_refusal(data) for _, data in items]
    pending = [i for i, result in enumerate(results) if result is None]
    if soffice is None:
        results = [_with_antiword(data) if r is None else r for r, (_, data) in zip(results, items)]
    elif pending:
        for index, result in zip(pending, _convert_batch(soffice, [items[i][1] for i in pending])):
            results[index] = result
    return [_format_of(result, name) for result, (name, _) in zip(results, items)]


def _refusal(data: bytes) -> ParseError | None:
    """Refuse what is not a Word-97 file: LibreOffice would import it as plain text."""
    if not data.startswith(_OLE_MAGIC):
        return ParseError("not a Word-97 document (no OLE header)")
    if _WORD_STREAM not in data or not _has_word_header(data):
        return ParseError("not a Word-97 document (an OLE file without a Word stream: Excel, PowerPoint, truncated?)")
    return None


def _has_word_header(data: bytes) -> bool:
    return any(data[offset:offset + 2] in _FIB_MAGICS for offset in range(_SECTOR_ALIGN, len(data), _SECTOR_ALIGN))


def _format_of(result: Result | None, name: str) -> Result:
    assert result is not None
    if isinstance(result, Document):
        result.format = "wps" if name.lower().endswith(".wps") else "doc"
    return result


# ---------------------------------------------------------------- LibreOffice

def _convert_batch(soffice: str, files: list[bytes]) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as work:
        inputs, outdir, log = Path(work, "in"), Path(work, "out"), Path(work, "soffice.log")
        inputs.mkdir()
        # Numbered names: two items may share a name. Named .doc whatever they came as: LibreOffice
        # 7.4 reads a Word-97 file named .wps as well, but that extension also belongs to
        # Microsoft Works, and the content picks the filter either way.
        paths = [inputs / f"{i}.doc" for i in range(len(files))]
        for path, data in zip(paths, files):
            path.write_bytes(data)
        try:
            with _profile(Path(work, "profile")) as profile:
                _run_soffice(soffice_command(soffice, profile, paths, outdir), log, len(paths), profile)
        except ParseError as error:
            return [error] * len(files)
        failure = _failure_reason(log)
        return [_read_output(outdir / f"{path.stem}.html", failure) for path in paths]


def soffice_command(soffice: str, profile: Path, paths: list[Path], outdir: Path) -> list[str]:
    """One LibreOffice run converting every file to HTML, which keeps rowspan and colspan."""
    return [soffice, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to", "html:HTML", "--outdir", str(outdir), *map(str, paths)]


def _run_soffice(command: list[str], log: Path, files: int, profile: Path) -> None:
    timeout = BATCH_TIMEOUT + TIMEOUT_PER_FILE * files
    try:
        # A session of its own: soffice is a script whose oosplash starts soffice.bin, and a
        # timeout must end all three, or soffice.bin keeps the profile locked.
        with log.open("wb") as output:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                       start_new_session=True)
    except OSError as error:
        raise ParseError(f"LibreOffice could not start: {error.strerror or error}") from None
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        # A profile left mid-write by a killed soffice can stop every later start.
        shutil.rmtree(profile, ignore_errors=True)
        raise ParseError(f"LibreOffice hung: killed after {timeout:.0f} s for {files} files") from None


def _failure_reason(log: Path) -> str:
    """What LibreOffice said about the files it could not convert (it does not name them)."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    errors = dict.fromkeys(line.removeprefix("Error:").strip() for line in lines if line.startswith("Error:"))
    return "; ".join(errors) or "no output written"


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _read_output(path: Path, failure: str) -> Result:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ParseError(f"{NO_OUTPUT} ({failure})")
    text = decode(data)  # UTF-8, declared in a <meta>
    document = document_from_html(text, "doc")
    # Word's drifting cell edges become an extra sliver column in LibreOffice's grid.
    document.blocks = [b.without_phantom_columns() if isinstance(b, Table) else b for b in document.blocks]
    if not document.blocks and "<img" in text:
        return ScannedDocument("no text: a Word file holding only images (a scanned report)")
    return document


# ---------------------------------------------------------------- the profile

def _shared_profile_dir() -> Path:
    return Path(tempfile.gettempdir(), f"nianbao-lo-profile-{os.getuid()}")


@contextmanager
def _profile(private: Path) -> Iterator[Path]:
    """The reusable profile when no other batch holds it and it is ours, else a private one.

    LibreOffice does not promise that two processes can share a profile (7.4 coped in a trial
    here, but both write the same registry file), so a concurrent batch takes its own.
    """
    shared = _shared_profile_dir()
    with ExitStack() as stack:
        if _owned_or_created(shared) and _try_lock(stack, shared.with_name(shared.name + ".lock")):
            yield shared
        else:
            yield private


def _owned_or_created(directory: Path) -> bool:
    """Only a real directory of our own: another user could plant one in the shared /tmp."""
    try:
        directory.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(directory)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()


def _try_lock(stack: ExitStack, lock_path: Path) -> bool:
    try:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError:
        return False
    stack.callback(os.close, descriptor)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


# ---------------------------------------------------------------- antiword

def _with_antiword(data: bytes) -> Result:
    try:
        return Document(format="doc", blocks=_antiword_paragraphs(data), warnings=[NO_TABLES])
    except ParseError as error:
        return error


def _antiword_paragraphs(data: bytes) -> list[str]:
    if ANTIWORD is None:
        raise ParseError("neither LibreOffice nor antiword is installed")
    with tempfile.NamedTemporaryFile(prefix="nianbao-", suffix=".doc") as handle:
        handle.write(data)
        handle.flush()
        try:
            result = subprocess.run([ANTIWORD, "-m", "UTF-8.txt", "-w", "0", handle.name],
                                    capture_output=True, timeout=ANTIWORD_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ParseError(f"antiword hung: killed after {ANTIWORD_TIMEOUT:.0f} s") from None
    if result.returncode != 0:
        raise ParseError(f"antiword could not read it: {_last_line(result.stderr)}")
    return _paragraphs(result.stdout.decode("utf-8", errors="replace"))


def _paragraphs(text: str) -> list[str]:
    # With -w 0 antiword writes each paragraph on one line.
    lines = (re.sub(r"\s+", " ", line.replace("\u3000", " ")).strip() for line in text.splitlines())
    return [line for line in lines if line]


def _last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
