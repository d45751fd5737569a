"""Chinese search terms: the text as character pairs, a query as all of its pairs."""

from __future__ import annotations

import sqlite3

import pytest

from archive.search import CREATE_FTS, holds_words, match_query, pairs


def test_han_text_becomes_overlapping_pairs_and_its_last_character():
    assert pairs("行政复议") == "行政 政复 复议 议"


def test_latin_words_and_numbers_stay_whole():
    assert pairs("2020年OFD格式") == "2020 年 OFD 格式 式"


def test_punctuation_separates_runs():
    assert pairs("复议，诉讼。") == "复议 议 诉讼 讼"


def test_two_character_query_is_one_pair():
    assert match_query("复议") == '"复议"'


def test_longer_query_asks_for_all_its_pairs():
    assert match_query("行政复议") == '"行政" AND "政复" AND "复议"'


def test_one_character_query_is_a_prefix():
    assert match_query("复") == '"复" *'


def test_words_separated_by_spaces_must_all_appear():
    assert match_query("复议 诉讼") == '"复议" AND "诉讼"'


def test_query_syntax_characters_are_not_fts_syntax():
    assert match_query('复议" OR * NEAR(') == '"复议" AND "OR" AND "NEAR"'


def test_query_of_punctuation_alone_matches_nothing():
    assert match_query("，。！") == '""'


@pytest.fixture
def index():
    conn = sqlite3.connect(":memory:")
    conn.execute(CREATE_FTS)
    for rowid, text in enumerate(["本机关未发生行政复议案件。", "收到复核申请两件", "行政诉讼一件"], start=1):
        conn.execute("INSERT INTO reports_fts (rowid, title, agency, text) VALUES (?, '', '', ?)",
                     [rowid, pairs(text)])
    return conn


def search(index, query: str) -> list[int]:
    return [row[0] for row in index.execute(
        "SELECT rowid FROM reports_fts WHERE reports_fts MATCH ? ORDER BY rowid", [match_query(query)])]


@pytest.mark.parametrize("query, found", [
    ("复议", [1]), ("行政复议", [1]), ("行政", [1, 3]), ("复", [1, 2]), ("诉讼", [3]),
    ("行政诉讼", [3]), ("议案", [1]), ("复审", []), ("行政 件", [1, 3]),
])
def test_index_finds_words_of_any_length(index, query, found):
    assert search(index, query) == found


def test_words_held_as_written_are_told_from_pairs_held_apart():
    assert holds_words("本机关未发生行政复议案件", "行政复议")
    assert not holds_words("行政事务中政复核，复议", "行政复议")
    assert holds_words("复议与诉讼", "诉讼 复议")
