"""The one family of errors wto-assist raises for what a user gave it or what it found on disk.

Every library error a user can cause (a bad brief, a symbol that is not one, a corpus database that is
read-only, an index not built yet) derives from `WtoAssistError`, with a message written for a
delegate, the field or file it concerns when there is one, and the HTTP status a web front end
answers with. The front ends translate it once each: the click group (cli.py) prints "Error: …" and
exits 1; the web app's exception handler shows the message on an error page with `status`. Anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations


class WtoAssistError(Exception):
    status = 400  # a request the user can correct

    def __init__(self, message: str = "", field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.field = field
        if status is not None:
            self.status = status

    @property
    def message(self) -> str:
        return str(self)


class NotFoundError(WtoAssistError):
    """What was asked for is not in the corpus or the registry."""

    status = 404


class UnavailableError(WtoAssistError):
    """Something the command needs is missing or cannot be used right now (no index yet, no model, a
    database that is read-only or not a corpus): nothing the request itself can correct."""

    status = 503


class StorageFullError(UnavailableError):
    """The disk is full: nothing more could be written."""

    status = 507  # "Insufficient Storage"


def from_storage(error: Exception) -> WtoAssistError | None:
    """A read-only corpus database or a full disk, said for a delegate; None for any other error (a bug,
    which keeps its traceback). The CLI's group and the web app's handler both translate through here."""
    import errno
    import sqlite3

    text = str(error)
    if isinstance(error, sqlite3.OperationalError):
        if "disk is full" in text:
            return StorageFullError("the disk is full: the last change was not saved; what was saved before it is kept"
                                    " (free some space and try again)")
        if "readonly" in text:
            return UnavailableError(f"the corpus database is read-only ({text}): it can be searched, listed and shown, not changed")
    elif isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return StorageFullError(f"the disk is full ({error.filename or 'while writing'}): the corpus and the index in use"
                                " are as they were; free some space and try again")
    elif isinstance(error, OSError) and error.errno == errno.EROFS:
        return UnavailableError(f"{error.filename or 'the data folder'} is on a read-only disk: it can be read, not changed")
    return None
