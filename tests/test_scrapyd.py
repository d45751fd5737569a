"""Beyond one machine: two real scrapyd processes on loopback, the project deployed to both with
scrapyd-deploy, a region of two portals spread over them by `nianbao dispatch`, the shards
folded in by `nianbao merge`: the archive equals a one-machine crawl of the region."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

from crawler.sampleportal.server import serve
from tests.portals import FAST, PROJECT, contents, nianbao, register
from tests.publishing import free_port

SCRAPYD_DEPLOY = Path(sys.executable).parent / "scrapyd-deploy"
KEEP_OUT = shutil.ignore_patterns(".*", "tests", "bench", "build", "*.egg-info", "__pycache__", "*.db")


def start_scrapyd(home: Path) -> tuple[subprocess.Popen, str]:
    """A scrapyd of its own in ``home`` (eggs, logs, queues), one job at a time."""
    port = free_port()
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\nmax_proc = 1\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\nitems_dir =\n",
        encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home,
                               stdout=subprocess.DEVNULL, stderr=(home / "scrapyd.err").open("w"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urlopen(f"{url}/daemonstatus.json", timeout=2) as answer:
                if json.loads(answer.read())["status"] == "ok":
                    return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(f"scrapyd did not start: {(home / 'scrapyd.err').read_text()}")


def deploy(tree: Path, nodes: list[str]) -> None:
    """scrapyd-deploy, from a copy of the project whose scrapy.cfg names the nodes as targets."""
    shutil.copytree(PROJECT, tree, ignore=KEEP_OUT)
    config = (PROJECT / "scrapy.cfg").read_text(encoding="utf-8")
    for number, node in enumerate(nodes):
        config += f"\n[deploy:node{number}]\nurl = {node}/\nproject = nianbao\n"
    (tree / "scrapy.cfg").write_text(config, encoding="utf-8")
    result = subprocess.run([str(SCRAPYD_DEPLOY), "-a"], cwd=tree, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout.count('"status": "ok"') == len(nodes), result.stdout + result.stderr


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    root = tmp_path_factory.mktemp("scrapyd")
    started = [start_scrapyd(root / f"node{number}") for number in range(2)]
    try:
        deploy(root / "project", [url for _, url in started])
        yield [url for _, url in started]
    finally:
        for process, _ in started:
            process.terminate()
            process.wait(timeout=30)


def test_two_scrapyd_nodes_crawl_a_region_into_shards_that_merge_into_the_one_machine_archive(nodes, tmp_path):
    with serve("state1") as a, serve("state1") as b:
        whole, cluster = tmp_path / "whole.db", tmp_path / "cluster.db"
        register(whole, a, b)
        register(cluster, a, b)
        nianbao("crawl", "--region", "白山市", "--db", whole, *FAST)
        dispatched = nianbao("dispatch", "--region", "白山市", "--scrapyd", ",".join(nodes), "--shards",
                             tmp_path / "shards", "--wait", "--db", cluster, *FAST, "-s", "LOG_LEVEL=INFO")
    shards = sorted(path for path in (tmp_path / "shards").glob("*.db") if not path.name.endswith(".raw.db"))
    assert [line.split(" on ")[1].split(" ")[0] for line in dispatched.stdout.splitlines() if " job " in line] == nodes
    assert len(shards) == 2
    nianbao("merge", *shards, "--into", cluster)
    assert contents(cluster) == contents(whole)
    assert len(contents(whole)) == 2 * 24


def test_dispatch_to_a_node_that_does_not_answer_fails_in_one_line(tmp_path):
    with serve("state1") as a:
        db = tmp_path / "cluster.db"
        register(db, a)
        node = f"http://127.0.0.1:{free_port()}"
        result = nianbao("dispatch", "--region", "白山市", "--scrapyd", node, "--db", db, check=False)
    assert result.returncode == 1 and result.stderr.startswith(f"error: {node}: ") and len(result.stderr.splitlines()) == 1
