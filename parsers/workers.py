"""Parse workers: every parse in a process of its own, under a wall-clock and a memory bound.

A hostile file can loop for ever in pdfminer (a stream whose /Length refers to itself) or
inflate a Flate bomb to gigabytes. The process that parses it is stopped at the bound and
replaced; the file gets a one-line ParseError and the other files go on.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import queue
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from .errors import ParseError

DEFAULT_SECONDS = 60.0
DEFAULT_MEMORY_MB = 900
# The resident-memory watch stops a worker that grows past the bound; the address-space cap,
# wider because libraries reserve address space they never touch (onnxruntime, thread stacks),
# stops one huge allocation before it is made.
_ADDRESS_SPACE_FACTOR = 2
_TICK = 0.1
# Tasks in a worker's pipe at once: the running one and the next, when the next is small
# enough to wait in the pipe's buffer (a socket pair's is larger than this on Linux).
_AHEAD = 2
_AHEAD_BYTES = 64 * 1024
_NONE_WAITING = object()
_PR_SET_PDEATHSIG = 1


class ParseTimeout(ParseError):
    """The parse ran past its wall-clock bound."""


class ParseMemory(ParseError):
    """The parse needed more memory than its bound."""


class WorkerLost(ParseError):
    """The worker died under the parse (a signal, the OOM killer), twice."""


@dataclass(frozen=True)
class Limits:
    """Bounds of one parse; 0 turns a bound off."""
    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB


@dataclass
class _Task:
    function: Callable[..., Any]
    args: tuple
    future: Future
    seconds: float
    retried: bool = False


def _serve(conn: Connection, memory_mb: int) -> None:
    """The worker's loop: one task at a time, each answered ("done" | "error" | "memory", value)."""
    _die_with_parent()
    # Ctrl-C reaches the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_mb:
        cap = memory_mb * _ADDRESS_SPACE_FACTOR * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    while True:
        try:
            function, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("done", function(*args)))
        except MemoryError:
            conn.send(("memory", None))
            return  # its heap may stay fragmented; the parent starts a fresh one
        except Exception as error:  # a parser bug: one line, and the worker goes on
            conn.send(("error", ParseError(f"internal error ({type(error).__name__}: {error})")))


def _die_with_parent() -> None:
    """A crawl killed with SIGKILL takes its workers with it (Linux)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass


def _resident_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class _Worker:
    """One worker process and its pipe."""

    def __init__(self, context: Any, memory_mb: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, memory_mb), daemon=True,
                                       name="nianbao-parse")
        self.process.start()
        child.close()

    def send(self, task: _Task) -> bool:
        """Queue a task in the worker's pipe; False when the worker is gone (killed while idle)."""
        try:
            self.conn.send((task.function, task.args))
        except OSError:
            return False
        return True

    def answer(self, task: _Task, memory_mb: int, stopping: threading.Event) -> tuple[str, Any]:
        """The answer to the oldest task sent, which is running from now, within its bounds."""
        deadline = time.monotonic() + task.seconds if task.seconds else None
        while not self.conn.poll(_TICK):
            if stopping.is_set():
                return "stopped", None
            if deadline is not None and time.monotonic() > deadline:
                return "timeout", None
            if memory_mb and _resident_mb(self.process.pid) > memory_mb:
                return "memory", None
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            return "lost", None

    def stop(self, grace: float = 0.0) -> int | None:
        """End the process (an idle one leaves on its own when its pipe closes); its exit code,
        negative for the signal that ended it."""
        self.conn.close()
        self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        return self.process.exitcode


class WorkerPool:
    """``workers`` slots, each a thread that feeds one worker process and watches its bounds.

    A worker over a bound is killed and replaced; a worker that dies under a task (the OOM
    killer, a signal) is replaced and the task tried once more in the new one.
    """

    def __init__(self, workers: int, limits: Limits = Limits()) -> None:
        self.limits = limits
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._context = multiprocessing.get_context("spawn")  # a forked reactor is not safe to inherit
        self._slots = [threading.Thread(target=self._slot, daemon=True, name=f"nianbao-parse-{n}")
                       for n in range(max(1, workers))]
        for slot in self._slots:
            slot.start()

    def submit(self, function: Callable[..., Any], *args: Any, seconds: float | None = None) -> Future:
        """A future of ``function(*args)`` run in a worker; a bound exceeded is its ParseError."""
        future: Future = Future()
        if self._stopping.is_set():
            future.cancel()
        else:
            self._tasks.put(_Task(function, args, future, self.limits.seconds if seconds is None else seconds))
        return future

    def close(self) -> None:
        """Finish the tasks given, then end the workers."""
        for _ in self._slots:
            self._tasks.put(None)
        for slot in self._slots:
            slot.join()

    def stop(self) -> None:
        """End now: running parses are killed, waiting ones cancelled (within a tick or two)."""
        self._stopping.set()
        self.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type | None, *rest: object) -> None:
        self.stop() if kind is not None else self.close()

    def _slot(self) -> None:
        worker: _Worker | None = None
        sent: deque[_Task] = deque()  # in the worker's pipe, oldest (running) first
        waiting: _Task | None = None  # taken, not yet sent
        closing = False
        while True:
            if waiting is None and not closing and len(sent) < _AHEAD:
                task = self._take(wait=not sent)
                closing = task is None
                waiting = task if isinstance(task, _Task) else None
            # The pipe is kept a task ahead, so that a worker that finishes goes straight on to
            # the next instead of waiting for this thread, which waits for the crawl's GIL. Only
            # a small task goes ahead: a large one would fill the pipe, and this thread would
            # block in the send instead of watching the running task's bounds.
            if waiting is not None and (not sent or _fits_in_pipe(waiting)):
                sent.append(waiting)
                worker, waiting = self._send(worker, waiting, sent), None
            elif sent:
                worker = self._answer_oldest(worker, sent)
            elif closing:
                break
        if worker is not None:
            worker.stop(grace=1.0)

    def _take(self, wait: bool) -> _Task | None | object:
        """The next task to start, None when the pool closes, _NONE_WAITING when not ``wait``
        and no task waits."""
        while True:
            try:
                task = self._tasks.get(block=wait)
            except queue.Empty:
                return _NONE_WAITING
            if task is None:
                return None
            if not task.future.set_running_or_notify_cancel():
                continue
            if self._stopping.is_set():
                task.future.set_exception(CancelledError())
                continue
            return task

    def _start(self) -> _Worker:
        return _Worker(self._context, self.limits.memory_mb)

    def _send(self, worker: _Worker | None, task: _Task, sent: deque[_Task]) -> _Worker | None:
        if worker is not None and worker.send(task):
            return worker
        if worker is not None:  # killed while idle (the OOM killer): a fresh one takes its tasks
            worker.stop()
        return self._fresh(sent)

    def _fresh(self, sent: deque[_Task]) -> _Worker | None:
        """A new worker given every task in ``sent``; those it cannot take are lost."""
        worker = self._start()
        if all(worker.send(task) for task in sent):
            return worker
        worker.stop()
        for task in sent:
            task.future.set_exception(WorkerLost("the parse worker could not be started"))
        sent.clear()
        return None

    def _answer_oldest(self, worker: _Worker, sent: deque[_Task]) -> _Worker | None:
        """Answer the running task; the worker to keep, a fresh one for the tasks still sent
        when it had to go, or None."""
        task = sent.popleft()
        status, value = worker.answer(task, self.limits.memory_mb, self._stopping)
        if status in ("done", "error"):
            task.future.set_exception(value) if status == "error" else task.future.set_result(value)
            return worker
        exitcode = worker.stop()
        if status == "lost" and not task.retried and not self._stopping.is_set():
            task.retried = True  # a worker that died under it: tried once more, first
            sent.appendleft(task)
        else:
            task.future.set_exception(self._failure(status, task, exitcode))
        if status == "stopped":
            for waiting in sent:
                waiting.future.set_exception(CancelledError())
            sent.clear()
        return self._fresh(sent) if sent else None

    def _failure(self, status: str, task: _Task, exitcode: int | None) -> BaseException:
        if status == "timeout":
            return ParseTimeout(f"parse stopped after the {task.seconds:g} s time limit")
        if status == "memory":
            return ParseMemory(f"parse stopped at the {self.limits.memory_mb} MB memory limit")
        if status == "stopped":
            return CancelledError()
        how = f"signal {-exitcode}" if exitcode and exitcode < 0 else f"exit code {exitcode}"
        return WorkerLost(f"the parse worker died twice on this file ({how})")


def _fits_in_pipe(task: _Task) -> bool:
    return sum(len(arg) for arg in task.args if isinstance(arg, (bytes, str))) < _AHEAD_BYTES


def outcome(future: Future) -> Any:
    """A future's result, or the ParseError that ended it."""
    try:
        return future.result()
    except ParseError as error:
        return error
