"""Chinese full-text search: the report text indexed as overlapping character pairs.

FTS5's own tokenizers do not serve Chinese: unicode61 takes a whole run of Han characters as one
word, and trigram cannot find the two-character words (复议, 诉讼) that matter most. So each Han
character is indexed as the pair it starts (行政复议 → 行政 政复 复议 议), and a query becomes the
phrase of its pairs: 复议 is one pair, 行政复议 the phrase "行政 政复 复议". Latin words and
numbers stay whole words.
"""

from __future__ import annotations

import re

import sqlite_utils

FTS_TABLE = "reports_fts"
FTS_COLUMNS = ("title", "agency", "text")
# Contentless: the text lives in report_versions already; the index alone is about its size.
CREATE_FTS = (f"CREATE VIRTUAL TABLE IF NOT EXISTS [{FTS_TABLE}] USING fts5("
              f"{', '.join(FTS_COLUMNS)}, content='', tokenize='unicode61 remove_diacritics 2')")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TERM = re.compile(f"([{_HAN}]+)|([^\\W{_HAN}]+)")
_QUOTED = re.compile(r'"([^"]*)"|(\S+)')


def pairs(text: str | None) -> str:
    """The text as index terms: each Han character with the one after it, words as they are."""
    terms: list[str] = []
    for han, word in _TERM.findall(text or ""):
        if han:
            terms += map(str.__add__, han, han[1:])
            terms.append(han[-1])
        else:
            terms.append(word)
    return " ".join(terms)


def match_query(query: str | None) -> str:
    """An FTS5 MATCH expression finding every report that contains all the query's words."""
    phrases = []
    for quoted, bare in _QUOTED.findall(query or ""):
        phrases += [_phrase(han, word) for han, word in _TERM.findall(quoted or bare)]
    # A query of punctuation alone matches nothing, rather than raising a syntax error.
    return " AND ".join(phrases) or '""'


def _phrase(han: str, word: str) -> str:
    if word:
        return f'"{word}"'
    if len(han) == 1:
        return f'"{han}" *'  # the pairs that start with it: a one-character query
    return '"' + " ".join(map(str.__add__, han, han[1:])) + '"'


def document(title: str | None, agency: str | None, text: str | None) -> tuple[str, str, str]:
    return pairs(title), pairs(agency), pairs(text)


def index(db: sqlite_utils.Database, report_id: int, new: tuple, old: tuple | None) -> None:
    """Make the index hold ``new`` (title, agency, text) for the report in place of ``old``.

    A contentless table forgets a row only when told exactly what it indexed for it, so ``old``
    must be the values last passed as ``new`` for this report.
    """
    columns = ", ".join(FTS_COLUMNS)
    if old is not None:
        db.conn.execute(f"INSERT INTO [{FTS_TABLE}] ([{FTS_TABLE}], rowid, {columns}) "
                        f"VALUES ('delete', ?, ?, ?, ?)", [report_id, *document(*old)])
    db.conn.execute(f"INSERT INTO [{FTS_TABLE}] (rowid, {columns}) VALUES (?, ?, ?, ?)",
                    [report_id, *document(*new)])
