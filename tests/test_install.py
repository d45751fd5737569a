"""nianbao installed from its wheel (not the source tree), into a fresh virtual environment
beside another project whose modules are named ``archive``, ``parsers`` and ``crawler``.

The fresh environment reuses the test environment's installed libraries through a path file
(nianbao itself is installed with --no-deps), so nothing is downloaded but the build backend,
which pip's cache holds after the first run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.publishing import free_port
from tests.test_demo import Demo, expected_reports, served_reports

from .conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
SEED = SHARED / "seeds/003_a5add6b12b1138ca.txt"
# Another project's modules, each saying whose it is.
OTHER_MODULES = {name: f'OWNER = "other project"\nNAME = "{name}"\n' for name in ("archive", "parsers", "crawler")}
# The installed nianbao, never the source tree this test runs from.
CLEAN_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
NOT_BUILT = shutil.ignore_patterns(".*", "tests", "bench", "build", "*.egg-info", "__pycache__", "*.db*")


def run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=CLEAN_ENV, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    return result


def other_project_wheel(directory: Path) -> Path:
    """A wheel whose top-level modules are archive, parsers and crawler."""
    wheel = directory / "otherproject-1.0-py3-none-any.whl"
    info = "otherproject-1.0.dist-info"
    files = {f"{name}.py": text for name, text in OTHER_MODULES.items()}
    files[f"{info}/METADATA"] = "Metadata-Version: 2.1\nName: otherproject\nVersion: 1.0\n"
    files[f"{info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{info}/RECORD"] = "".join(f"{name},,\n" for name in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return wheel


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh environment holding the other project and then nianbao's wheel."""
    work = tmp_path_factory.mktemp("install")
    # Built from a copy: a build leaves its egg-info and build/ behind in the tree it reads.
    shutil.copytree(ROOT, work / "source", ignore=NOT_BUILT, symlinks=True)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", work, work / "source")
    [wheel] = work.glob("nianbao-*.whl")
    run(sys.executable, "-m", "venv", "--without-pip", work / "venv")
    python = work / "venv/bin/python"
    for package in (other_project_wheel(work), wheel):
        run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet", package)
    # Only now: pip must not see the test environment's own nianbao while installing this one.
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return work / "venv"


def test_the_wheel_keeps_its_packages_under_its_own_name(venv):
    [wheel] = venv.parent.glob("nianbao-*.whl")
    top = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert top == {"nianbao.py", "_nianbao", "nianbao-0.1.0.dist-info"}


def test_the_installed_command_parses_a_report(venv, tmp_path):
    result = run(venv / "bin/nianbao", "parse", SEED, cwd=tmp_path)
    assert "2020, 2019 format" in result.stdout


def test_the_other_projects_modules_are_still_its_own_beside_nianbao(venv, tmp_path):
    code = "import nianbao, archive, parsers, crawler; print(archive.OWNER, parsers.OWNER, crawler.OWNER)"
    assert run(venv / "bin/python", "-c", code, cwd=tmp_path).stdout.split("\n")[0] == "other project " * 2 + "other project"


def test_a_users_own_archive_module_beside_the_command_changes_nothing(venv, tmp_path):
    for name, text in OTHER_MODULES.items():
        (tmp_path / f"{name}.py").write_text(text)
    result = run(venv / "bin/python", "-m", "nianbao", "parse", SEED, cwd=tmp_path)
    assert "2020, 2019 format" in result.stdout


def test_the_installed_demo_crawls_and_serves_the_sample_portal(venv, tmp_path):
    demo = Demo(tmp_path / "demo.db", free_port(), command=(str(venv / "bin/nianbao"),), cwd=tmp_path, env=CLEAN_ENV)
    try:
        assert served_reports(demo.wait_for_url()) == expected_reports()
    finally:
        demo.stop()
