"""The error an unreadable or refused upload raises (the reader's and the limits')."""

from __future__ import annotations


class ImportFileError(Exception):
    """The file cannot be imported; the message says why, in words staff understand."""
