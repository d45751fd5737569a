"""A version's text and parsed JSON, kept zlib-compressed (RFC 1950) in ``versions``.

Together they were two thirds of the archive. The parsed JSON repeats the text's sections, so it
is compressed with the text as zlib's preset dictionary, and costs little more than its tables.
``report_versions`` shows both as text through the SQL function ``inflate``, which every
connection the archive opens defines: Datasette's through the plugin, and every sqlite-utils
``Database`` of a process that imported archive.schema, through sqlite-utils' plugin hook:
``inflate(text_z)`` is the text, ``inflate(parsed_z, text_z)`` the parsed JSON. Outside them,
Python's ``zlib.decompress(text_z)`` and ``zlib.decompressobj(zdict=<text as UTF-8>)`` read the same.

The parse workers compress with ISA-L (python-isal) at its level 1: the same zlib stream format,
read by zlib, at half to a fifth of zlib level 6's CPU; a version's text and JSON together
take about as many bytes as before (bench/archive_size.py), the JSON being compact now.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from isal import isal_zlib

if TYPE_CHECKING:  # parse workers compress (archive/digest.py) and need no SQLite
    import sqlite3

LEVEL = 1  # of ISA-L's 0 to 3


def deflate(value: str | None, dictionary: str | None = None) -> bytes | None:
    if value is None:
        return None
    if not dictionary:
        return isal_zlib.compress(value.encode(), LEVEL)
    packer = isal_zlib.compressobj(LEVEL, zdict=dictionary.encode())
    return packer.compress(value.encode()) + packer.flush()


def inflate(packed: bytes | None, dictionary_packed: bytes | None = None) -> str | None:
    if packed is None:
        return None
    dictionary = zlib.decompress(dictionary_packed) if dictionary_packed else b""
    unpacker = zlib.decompressobj(zdict=dictionary) if dictionary else zlib.decompressobj()
    return (unpacker.decompress(packed) + unpacker.flush()).decode()


def define(conn: sqlite3.Connection) -> None:
    """Make ``inflate`` (and ``deflate``, for migrations) callable in this connection's SQL."""
    conn.create_function("inflate", 1, inflate, deterministic=True)
    conn.create_function("inflate", 2, inflate, deterministic=True)
    conn.create_function("deflate", 1, deflate, deterministic=True)
    conn.create_function("deflate", 2, deflate, deterministic=True)

