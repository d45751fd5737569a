"""Chinese full-text search: the report text indexed as overlapping character pairs.

FTS5's own tokenizers do not serve Chinese: unicode61 takes a whole run of Han characters as one
word, and trigram cannot find the two-character words (复议, 诉讼) that matter most. So each Han
character is indexed as the pair it starts (行政复议 → 行政 政复 复议 议), and a query asks for
all of its pairs: 复议 is one pair, 行政复议 the pairs 行政 AND 政复 AND 复议. Latin words and
numbers stay whole words.

The index keeps which reports hold a term, not where (detail=none): a seventh of the size of a
positional index, which was the archive's largest table after the cells. So a query of three
or more characters also finds a report holding its pairs apart; ``holds_words`` tells the
reports that hold the words as written, and the canned search uses it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # parse workers make a report's terms (archive/digest.py) and need no SQLite
    import sqlite3

    import sqlite_utils

FTS_TABLE = "reports_fts"
FTS_COLUMNS = ("title", "agency", "text")
# Contentless: the text lives in report_versions already.
CREATE_FTS = (f"CREATE VIRTUAL TABLE IF NOT EXISTS [{FTS_TABLE}] USING fts5("
              f"{', '.join(FTS_COLUMNS)}, content='', detail=none, tokenize='unicode61 remove_diacritics 2')")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TERM = re.compile(f"([{_HAN}]+)|([^\\W{_HAN}]+)")
_HAN_WORD = re.compile(f"[{_HAN}]+")
_QUOTED = re.compile(r'"([^"]*)"|(\S+)')
# At a Han character, looks ahead at the pair it starts (or the last of a run alone) and steps one
# character on; at a word, takes it whole. One findall in C, where a loop over the runs cost the
# parse workers twice as much.
_PAIR = re.compile(f"(?=([{_HAN}][{_HAN}]?|[^\\W{_HAN}]+))(?:[{_HAN}]|[^\\W{_HAN}]+)")


def pairs(text: str | None) -> str:
    """The text as index terms: each Han character with the one after it, words as they are."""
    return " ".join(_PAIR.findall(text or ""))


def words(query: str | None) -> list[str]:
    """The query's words: runs of Han characters, and Latin words or numbers."""
    return [han or word for quoted, bare in _QUOTED.findall(query or "")
            for han, word in _TERM.findall(quoted or bare)]


def match_query(query: str | None) -> str:
    """An FTS5 MATCH expression finding every report that holds the pairs of all the query's words."""
    terms = [term for word in words(query) for term in _terms(word)]
    # A query of punctuation alone matches nothing, rather than raising a syntax error.
    return " AND ".join(dict.fromkeys(terms)) or '""'


def _terms(word: str) -> list[str]:
    if not _HAN_WORD.fullmatch(word):
        return [f'"{word}"']
    if len(word) == 1:
        return [f'"{word}" *']  # the pairs that start with it: a one-character query
    return [f'"{pair}"' for pair in map(str.__add__, word, word[1:])]


def holds_words(text: str | None, query: str | None) -> bool:
    """Whether ``text`` holds every word of the query as written."""
    return all(word in (text or "") for word in words(query))


def define(conn: sqlite3.Connection) -> None:
    """The search's SQL functions: Datasette's own search calls ``escape_fts``, canned queries
    ``chinese_fts`` and ``holds_words``."""
    for name in ("escape_fts", "chinese_fts"):
        conn.create_function(name, 1, match_query, deterministic=True)
    conn.create_function("holds_words", 2, holds_words, deterministic=True)


def document(title: str | None, agency: str | None, text: str | None) -> tuple[str, str, str]:
    return pairs(title), pairs(agency), pairs(text)


_COLUMNS = ", ".join(FTS_COLUMNS)
# Fixed strings: the writer files a report's terms for every new version.
_FORGET = f"INSERT INTO [{FTS_TABLE}] ([{FTS_TABLE}], rowid, {_COLUMNS}) VALUES ('delete', ?, ?, ?, ?)"
_ADD = f"INSERT INTO [{FTS_TABLE}] (rowid, {_COLUMNS}) VALUES (?, ?, ?, ?)"


def index(db: sqlite_utils.Database, report_id: int, new: tuple, old: tuple | None) -> None:
    """Make the index hold the terms ``new`` (``document()`` of title, agency, text) for the
    report in place of ``old``.

    A contentless table forgets a row only when told exactly what it indexed for it, so ``old``
    must be the terms last passed as ``new`` for this report.
    """
    if old is not None:
        db.conn.execute(_FORGET, (report_id, *old))
    db.conn.execute(_ADD, (report_id, *new))
