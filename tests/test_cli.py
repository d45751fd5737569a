"""`nianbao parse` as users run it: a real process, real files, exit codes and stderr."""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf
import pytest

from .conftest import SHARED

SEED = SHARED / "seeds" / "001_0fb663dc2de8e1ec.txt"
NOTICE = """<html><head><meta charset="utf-8"><title>通知</title></head><body><div class="TRS_Editor">
<p>关于做好2023年度政府信息公开工作年度报告编制发布工作的通知</p>
<p>各乡镇人民政府、县政府各部门：请于2024年1月31日前发布本单位年度报告。</p></div></body></html>"""


def run_parse(*args: str | Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "nianbao", "parse", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def _peak_child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def test_json_lines_one_object_per_file():
    result = run_parse("--json", SEED, SHARED / "seeds" / "003_a5add6b12b1138ca.txt")
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert [r["agency"] for r in reports] == ["红土崖镇人民政府", "兰西县兰河乡人民政府"]
    assert set(reports[0]) == {"schema", "file", "format", "title", "agency", "year", "template", "published",
                               "region", "sections", "proactive", "requests", "appeals", "checks", "consistent",
                               "warnings"}


def test_summary_names_body_year_format_and_failing_checks():
    result = run_parse(SHARED / "seeds" / "002_6e7f3865b96cf4e0.txt")
    assert result.returncode == 0
    assert "尚店镇人民政府 2020, 2019 format, txt" in result.stdout
    assert "FAILS requests.results.natural_person: " in result.stdout


def test_no_files_is_a_usage_error():
    assert run_parse().returncode == 2


def test_missing_file_is_named_and_others_still_parse(tmp_path):
    result = run_parse("--json", tmp_path / "absent.pdf", SEED)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"{tmp_path / 'absent.pdf'}: cannot read the file: No such file or directory"]
    assert json.loads(result.stdout)["agency"] == "红土崖镇人民政府"


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    real_pdf = (SHARED / "corpus" / "js_huaian_hongze_district_2024_gov.pdf").read_bytes()
    files = {
        "empty.pdf": b"",
        "random.pdf": os.urandom(4096),
        "truncated.pdf": real_pdf[: len(real_pdf) // 3],
        "not-a-zip.docx": b"this is not a zip archive at all" * 10,
        "deep.html": b"<html><body>" + b"<div>" * 200_000 + "年度报告".encode() + b"</div>" * 200_000 + b"</body></html>",
        "notice.html": NOTICE.encode(),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    paths["bomb.docx"] = tmp_path / "bomb.docx"
    with zipfile.ZipFile(paths["bomb.docx"], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            zeros = b"\0" * (1 << 24)
            for _ in range(128):  # 2 GiB expanded
                member.write(zeros)
    paths["encrypted.pdf"] = tmp_path / "encrypted.pdf"
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(real_pdf)))
    writer.encrypt(user_password="secret")
    writer.write(paths["encrypted.pdf"])
    paths["template.docx"] = tmp_path / "template.docx"
    shutil.copy(SHARED / "corpus" / "template_2021format_blank.docx", paths["template.docx"])
    return paths


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory) -> dict[str, Path]:
    return _bad_inputs(tmp_path_factory.mktemp("bad"))


def test_bad_inputs_fail_one_line_each_and_good_files_still_parse(bad_inputs):
    result = run_parse("--json", SEED, *bad_inputs.values())
    errors = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert sorted(line.split(": ", 1)[0] for line in errors) == sorted(str(p) for p in bad_inputs.values())
    assert json.loads(result.stdout)["agency"] == "红土崖镇人民政府"


@pytest.mark.parametrize("name,reason", [
    ("empty.pdf", "empty file"),
    ("not-a-zip.docx", "zip"),
    ("bomb.docx", "MB"),
    ("encrypted.pdf", "encrypted PDF"),
    ("truncated.pdf", "PDF"),
    ("notice.html", "not an annual report"),
    ("template.docx", "template"),
])
def test_bad_input_gets_its_reason(bad_inputs, name, reason):
    result = run_parse(bad_inputs[name])
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and reason in result.stderr


def test_bad_inputs_stay_within_memory(bad_inputs):
    run_parse(*bad_inputs.values())
    assert _peak_child_rss_mb() < 500


# Misuse: one line, and exit 2 for the command line, 1 for an archive that cannot be used

def nianbao(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("setting, said", [
    ("DOWNLOAD_DELAY=abc", "DOWNLOAD_DELAY='abc': not a number"),
    ("ROBOTSTXT_OBEY=maybe", "ROBOTSTXT_OBEY='maybe': not true or false"),
    ("NIANBAO_DB=other.db", "NIANBAO_DB cannot be set with -s; use --db"),
    ("no-equals-sign", "'no-equals-sign' is not NAME=VALUE"),
])
def test_a_bad_crawl_setting_is_one_line_and_exit_2(tmp_path, setting, said):
    result = nianbao("crawl", "--db", tmp_path / "a.db", "--url", "http://127.0.0.1:9/", "-s", setting)
    assert (result.returncode, result.stderr) == (2, f"error: Invalid value for -s: {said}\n")
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize("args", [["crawl"], ["parse"], ["frobnicate"], ["status", "--limit", "many"]])
def test_command_line_misuse_is_one_line_and_exit_2(args):
    result = nianbao(*args)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")


@pytest.mark.parametrize("command", [["status"], ["reparse"], ["sources", "list"],
                                     ["export", "--table", "reports", "--csv", "out.csv"]])
def test_a_command_that_reads_an_archive_refuses_a_missing_one_and_creates_none(tmp_path, command):
    result = nianbao(*command, "--db", tmp_path / "absent.db")
    assert (result.returncode, result.stderr) == (1, f"error: {tmp_path / 'absent.db'}: no such archive\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where, said", [
    (lambda tmp: tmp, "is a directory, not an archive"),
    (lambda tmp: tmp / "missing" / "a.db", f"no such directory {{tmp}}{os.sep}missing"),
])
def test_crawl_names_an_unusable_db_path_in_one_line(tmp_path, where, said):
    db = where(tmp_path)
    result = nianbao("crawl", "--db", db, "--url", "http://127.0.0.1:9/")
    assert (result.returncode, result.stderr) == (1, f"error: {db}: {said.format(tmp=tmp_path)}\n")


def test_crawl_names_a_db_that_is_not_sqlite_in_one_line(tmp_path):
    (tmp_path / "notes.db").write_text("not a database " * 100)
    result = nianbao("crawl", "--db", tmp_path / "notes.db", "--url", "http://127.0.0.1:9/")
    assert (result.returncode, result.stderr) == (1, f"error: {tmp_path / 'notes.db'}: file is not a database\n")


def test_parse_json_help_names_no_file_outside_the_package():
    assert "design.md" not in nianbao("parse", "--help").stdout
