"""Failures that end the parse of one file with a one-line message."""


class ParseError(Exception):
    """The file could not be read as a report; the message says why, in one line."""


class NotAReport(ParseError):
    """The file reads fine but is not an annual report (a notice, a template, an index page)."""


class ScannedDocument(ParseError):
    """A document with no text layer: images of pages only."""


# Every report read from page images carries this warning, so users can weigh its figures.
OCR_WARNING = "ocr: text and tables read from page images; check the figures against the original"
