"""One writer at a time: the lock a crawl, `schedule run`, `reparse` or `merge` holds on an archive.

SQLite lets two processes write one file in turns, but a crawl holds its write transaction for a
batch of documents: a second writer would fail inside its run with `database is locked`. So every
writer first takes an OS lock (fcntl.flock) on a file beside the archive (``archive.db.lock``).
The kernel releases it when its process ends, even by kill -9, so a lock never outlives its
holder. The file says who holds it (command, pid, since when) for the line a waiting command
prints. Within one process the lock is re-entrant: the crawl's runner and its archive pipeline
share it.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from .store import ArchiveError

# Seconds a writer waits for the one before it, by default (environment: NIANBAO_LOCK_WAIT).
DEFAULT_WAIT = 60.0
_POLL = 0.2
# Lock files held by this process: path -> [file descriptor, depth].
_held: dict[str, list[int]] = {}
_guard = threading.Lock()


class ArchiveBusy(ArchiveError):
    """Another process is writing the archive and did not finish within the wait."""


def lock_wait() -> float:
    """NIANBAO_LOCK_WAIT, in seconds (0: refuse at once if the archive is being written)."""
    value = os.environ.get("NIANBAO_LOCK_WAIT", "")
    try:
        return max(0.0, float(value)) if value.strip() else DEFAULT_WAIT
    except ValueError:
        return DEFAULT_WAIT


def held(path: str | os.PathLike) -> bool:
    """Whether this process holds the writer lock of the archive at ``path``."""
    with _guard:
        return str(Path(f"{path}.lock").resolve()) in _held


class WriterLock:
    """``with WriterLock("archive.db", "crawl"):`` write; ``acquire()`` says whether this call took
    the lock (True) or this process held it already (False)."""

    def __init__(self, path: str | os.PathLike, what: str, *, wait: float | None = None,
                 on_wait: Callable[[str], None] | None = None) -> None:
        self.path, self.what = str(path), what
        self.file = str(Path(f"{path}.lock").resolve())
        self.wait = lock_wait() if wait is None else wait
        self.on_wait = on_wait
        self.taken = False

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def acquire(self) -> bool:
        with _guard:
            if self.file in _held:
                _held[self.file][1] += 1
                self.taken = True
                return False
        fd = os.open(self.file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            self._lock(fd)
        except BaseException:
            os.close(fd)
            raise
        _write_holder(fd, self.what)
        with _guard:
            _held[self.file] = [fd, 1]
        self.taken = True
        return True

    def release(self) -> None:
        if not self.taken:
            return
        self.taken = False
        with _guard:
            held = _held[self.file]
            held[1] -= 1
            if held[1]:
                return
            del _held[self.file]
        os.close(held[0])  # closing the descriptor releases the lock

    def _lock(self, fd: int) -> None:
        deadline = time.monotonic() + self.wait
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ArchiveBusy(f"{self.path}: {_holder(self.file)} is writing it; gave up after "
                                      f"{self.wait:g} s (NIANBAO_LOCK_WAIT)") from None
            if not said and self.on_wait is not None:
                self.on_wait(f"{self.path}: {_holder(self.file)} is writing it; waiting up to "
                             f"{self.wait:g} s (NIANBAO_LOCK_WAIT)")
                said = True
            time.sleep(_POLL)


def _write_holder(fd: int, what: str) -> None:
    holder = {"what": what, "pid": os.getpid(),
              "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(holder).encode(), 0)


def _holder(file: str) -> str:
    """Who holds the lock, in words, from what it wrote in the file."""
    try:
        holder = json.loads(Path(file).read_text())
        return f"a {holder['what']} (pid {holder['pid']}, since {holder['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another nianbao process"
