"""Where things live. Every path can be overridden by an option or an environment variable."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path


def home() -> Path:
    """The data folder (database, index, fetched documents, web uploads): $WTO_ASSIST_HOME, else
    ./indexes when run from a checkout (git-ignored there), else ~/.local/share/wto-assist."""
    configured = os.environ.get("WTO_ASSIST_HOME")
    if configured:
        return Path(configured).expanduser()
    if Path("indexes").is_dir():
        return Path("indexes")
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "wto-assist"


def default_db() -> Path:
    return Path(os.environ.get("WTO_ASSIST_DB", home() / "corpus.sqlite"))


def default_index() -> Path:
    return Path(os.environ.get("WTO_ASSIST_INDEX", home() / "default"))


def templates_dir() -> Path:
    """$WTO_ASSIST_TEMPLATES, else the templates installed with the package (templates/ of a checkout)."""
    configured = os.environ.get("WTO_ASSIST_TEMPLATES")
    if configured:
        return Path(configured)
    from importlib import resources

    return Path(str(resources.files("wto_assist.templates")))


def today() -> str:
    """Today's date (ISO), against which derestriction dates are compared; WTO_ASSIST_TODAY fixes it
    (tests and reproducible runs: a document's status must not change under them as time passes)."""
    configured = os.environ.get("WTO_ASSIST_TODAY")
    return date.fromisoformat(configured).isoformat() if configured else date.today().isoformat()
