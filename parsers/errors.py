"""Failures that end the parse of one file with a one-line message."""


class ParseError(Exception):
    """The file could not be read as a report; the message says why, in one line."""


class NotAReport(ParseError):
    """The file reads fine but is not an annual report (a notice, a template, an index page)."""


class ScannedDocument(ParseError):
    """A document with no text layer: images of pages only."""
