"""Where things live. Every path can be overridden by an option or an environment variable."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path


def home() -> Path:
    """The data folder: WTO_ASSIST_HOME, else ./indexes (git-ignored in a checkout)."""
    return Path(os.environ.get("WTO_ASSIST_HOME", "indexes"))


def default_db() -> Path:
    return Path(os.environ.get("WTO_ASSIST_DB", home() / "corpus.sqlite"))


def default_index() -> Path:
    return Path(os.environ.get("WTO_ASSIST_INDEX", home() / "default"))


def templates_dir() -> Path:
    """$WTO_ASSIST_TEMPLATES, else the templates/ folder of the checkout this package runs from."""
    configured = os.environ.get("WTO_ASSIST_TEMPLATES")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "templates"


def today() -> str:
    """Today's date (ISO), against which derestriction dates are compared; WTO_ASSIST_TODAY fixes it
    (tests and reproducible runs: a document's status must not change under them as time passes)."""
    configured = os.environ.get("WTO_ASSIST_TODAY")
    return date.fromisoformat(configured).isoformat() if configured else date.today().isoformat()
