"""Every parse runs in a worker process under a time and a memory bound: hostile files end with
a one-line error, the worker is replaced, and the files after them are parsed as usual."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parsers import Limits, ParseError, ParseMemory, ParseTimeout, Report, WorkerLost, WorkerPool, parse_files
from parsers import ofd
from parsers.workers import outcome
from tests import hostile

SAMPLE_DOCX = next(Path(__file__).resolve().parents[1].glob("crawler/sampleportal/site/state1/**/*.docx"))


def _write(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


def _die_once(marker: str) -> str:
    """Killed like the OOM killer would, the first time only."""
    if not os.path.exists(marker):
        Path(marker).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return "parsed"


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_pdf_whose_stream_length_refers_to_itself_ends_with_a_one_line_error(tmp_path):
    [result] = parse_files([_write(tmp_path, "self.pdf", hostile.self_referencing_length_pdf())],
                           limits=Limits(seconds=20))
    assert isinstance(result, ParseError) and "\n" not in str(result)


def test_flate_bomb_is_stopped_at_the_memory_bound(tmp_path):
    bomb = _write(tmp_path, "bomb.pdf", hostile.flate_bomb_pdf(inflated_mb=1500))
    [result] = parse_files([bomb], limits=Limits(seconds=60, memory_mb=400))
    assert isinstance(result, ParseMemory)
    assert str(result) == "parse stopped at the 400 MB memory limit"


def test_thousand_pages_sharing_one_stream_are_stopped_at_the_time_bound_and_the_next_file_parses(tmp_path):
    shared = _write(tmp_path, "shared.pdf", hostile.shared_stream_pdf(pages=1000))
    results = parse_files([shared, str(SAMPLE_DOCX)], workers=1, limits=Limits(seconds=3))
    assert isinstance(results[0], ParseTimeout)
    assert str(results[0]) == "parse stopped after the 3 s time limit"
    assert isinstance(results[1], Report)


def test_ofd_listing_one_page_a_hundred_times_reads_the_page_once():
    document = ofd.extract(hostile.ofd_page_bomb(repeats=100, lines=50))
    text = "\n".join(block for block in document.blocks if isinstance(block, str))
    assert text.count("第0行") == 1


def test_killed_worker_is_replaced_and_its_task_tried_once_more(tmp_path):
    with WorkerPool(1) as pool:
        assert outcome(pool.submit(_die_once, str(tmp_path / "marker"))) == "parsed"


def _pid() -> int:
    return os.getpid()


def test_worker_killed_while_idle_is_replaced_for_the_next_task():
    with WorkerPool(1) as pool:
        idle = pool.submit(_pid).result(timeout=60)
        os.kill(idle, signal.SIGKILL)
        while Path(f"/proc/{idle}/stat").exists() and Path(f"/proc/{idle}/stat").read_text().split()[2] != "Z":
            pass
        assert pool.submit(_pid).result(timeout=60) not in (idle, None)


def test_task_that_kills_its_worker_twice_is_a_parse_error_and_the_pool_goes_on(tmp_path):
    with WorkerPool(1) as pool:
        lost = outcome(pool.submit(_die))
        after = outcome(pool.submit(_die_once, str(tmp_path / "marker")))
    assert isinstance(lost, WorkerLost) and "signal 9" in str(lost)
    assert after == "parsed"


def _sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_worker_takes_its_next_task_before_its_answer_is_read():
    with WorkerPool(1) as pool:
        first, second = pool.submit(_sleep, 5), pool.submit(_pid)
        while not second.running() and not first.done():
            time.sleep(0.01)
        # Sent to the worker while the first still runs there: it waits in the worker's pipe.
        assert second.running() and not first.done()
        assert first.result(timeout=60) == second.result(timeout=60)


def test_tasks_queued_behind_a_timed_out_parse_go_to_a_fresh_worker():
    with WorkerPool(1, Limits(seconds=1)) as pool:
        slow, quick = pool.submit(_sleep, 30), pool.submit(_pid)
        assert isinstance(outcome(slow), ParseTimeout)
        assert isinstance(quick.result(timeout=60), int)


def test_closed_pool_has_ended_its_workers():
    with WorkerPool(2) as pool:
        pids = {pool.submit(_pid).result(timeout=60) for _ in range(4)}
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)


def _length(data: bytes) -> int:
    return len(data)


def test_large_task_behind_a_runaway_parse_waits_for_it_to_be_stopped():
    # Sent ahead, it would fill the pipe while the worker loops, and nothing would stop the loop.
    with WorkerPool(1, Limits(seconds=1)) as pool:
        runaway, large = pool.submit(_sleep, 600), pool.submit(_length, b"x" * 20_000_000)
        assert isinstance(runaway.exception(timeout=60), ParseTimeout)
        assert large.result(timeout=60) == 20_000_000


def _nianbao_parse(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao", "parse", *args], capture_output=True, text=True,
                          timeout=120)


def test_parse_names_a_file_over_the_time_limit_in_one_line(tmp_path):
    shared = _write(tmp_path, "shared.pdf", hostile.shared_stream_pdf(pages=1000))
    result = _nianbao_parse(shared, str(SAMPLE_DOCX), "--timeout", "2")
    assert result.returncode == 1
    assert result.stderr == f"{shared}: parse stopped after the 2 s time limit\n"
    assert "浑江区" in result.stdout


def test_parse_refuses_a_fifo_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "report.pdf"
    os.mkfifo(fifo)
    result = _nianbao_parse(str(fifo))
    assert (result.returncode, result.stderr) == (1, f"{fifo}: not a regular file\n")


def test_parse_refuses_a_file_over_the_size_limit_before_reading_it(tmp_path):
    huge = tmp_path / "huge.pdf"
    with open(huge, "wb") as handle:
        handle.truncate(3 * 1024 ** 3)  # sparse: 3 GB that take no disk
    result = _nianbao_parse(str(huge))
    assert (result.returncode, result.stderr) == (1, f"{huge}: larger than the 50 MB limit (3072 MB)\n")
