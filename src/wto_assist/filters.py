"""Search filters and their one parser, for the CLI, the web app, its /api/ and `serve` alike.

`Filters.from_params` reads the same parameter names everywhere (body, type, speaker, symbol, from,
to, restricted, member, provision, dispute): the web form's and the API's query string, `serve`'s, and
the CLI's options (whose names are these with "--"). It checks every value once, and a bad one is a
`SearchError` whose `field` is the parameter's name and whose message starts with it ("member: …"):
the CLI shows the field as its option ("--member: …"), the web app by its label.
"""

from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass
from typing import Mapping

from . import members
from .documents.symbols import FAMILIES, SymbolError, dispute_number
from .enrich.provisions import ProvisionError, normalise_key
from .errors import WtoAssistError

# The parameter names, in the order forms and help list them.
PARAMETERS = ("body", "type", "speaker", "symbol", "from", "to", "restricted", "member", "provision", "dispute")
_YES, _NO = ("yes", "true", "1"), ("no", "false", "0")


class SearchError(WtoAssistError):
    """A query or filter that cannot be run; `field` names the parameter, and so does the message's start."""


def field_error(field: str, problem: str) -> SearchError:
    """The error about one parameter: "field: problem", with `field` set for the front ends."""
    return SearchError(f"{field}: {problem}", field=field)


@dataclass
class Filters:
    body: str | None = None
    family: str | None = None
    speaker: str | None = None  # a Member, group, role ("Chair", "Secretariat") or any speaker name
    symbol: str | None = None  # prefix, e.g. WT/COMTD/M/
    date_from: str | None = None
    date_to: str | None = None
    restricted: bool | None = None
    member: str | None = None  # Member or group named anywhere in the paragraph
    provision: str | None = None  # provision key; sub-provisions roll up (GATT1994:XXI finds XXI(b)(iii))
    dispute: str | None = None  # "DS512" or "512"

    @classmethod
    def from_params(cls, params: Mapping) -> Filters:
        """Filters from parameters by name (PARAMETERS); empty values are no filter, other names are ignored.
        `restricted` is yes/no (or true/false, 1/0, or a bool from a CLI flag)."""

        def value(name: str) -> str | None:
            given = params.get(name)
            return str(given).strip() or None if given is not None else None

        filters = cls(body=value("body"), family=value("type"), speaker=value("speaker"), symbol=value("symbol"),
                      date_from=value("from"), date_to=value("to"), restricted=yes_no(params.get("restricted"), "restricted"),
                      member=value("member"), provision=value("provision"), dispute=value("dispute"))
        filters.check()
        return filters

    def check(self) -> None:
        """Raise the SearchError of the first value that cannot be a filter (naming its parameter)."""
        if self.family and self.family not in FAMILIES:
            raise field_error("type", f"unknown document family {self.family!r} (one of: {', '.join(FAMILIES)})")
        if self.member:
            member_name(self.member)
        if self.provision:
            provision_key(self.provision)
        if self.dispute:
            dispute_symbol(self.dispute)
        date_range(self.date_from, self.date_to)


def yes_no(given, field: str) -> bool | None:
    if given is None or isinstance(given, bool):
        return given
    text = str(given).strip().lower()
    if not text:
        return None
    if text in _YES or text in _NO:
        return text in _YES
    raise field_error(field, f"{given!r} is not yes or no")


def member_name(value: str, field: str = "member") -> str:
    """The Member, observer or group `value` names, as the lexicon writes it; else an error with suggestions."""
    return members.require(value, field, error=SearchError).name


def provision_key(value: str, field: str = "provision") -> str:
    try:
        return normalise_key(value)
    except ProvisionError as error:
        raise field_error(field, str(error)) from error


def dispute_symbol(value: str, field: str = "dispute") -> str:
    """"DS512" for "DS512", "ds 512" or "512"."""
    try:
        return f"DS{dispute_number(value)}"
    except SymbolError as error:
        raise field_error(field, str(error)) from error


def date_range(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    """(first day, last day) of the `from` and `to` parameters; an error when `from` is after `to`."""
    start, end = date_bound(date_from, "from", end=False), date_bound(date_to, "to", end=True)
    if start and end and start > end:
        raise field_error("from", f"{date_from} is after the end date ({date_to})")
    return start, end


def date_bound(value: str | None, field: str, end: bool) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD (a real date); widen partial dates to the whole year or month."""
    if value is None:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not match:
        raise field_error(field, f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(match[1]), match[2] and int(match[2]), match[3] and int(match[3])
    if month is not None and not 1 <= month <= 12:
        raise field_error(field, f"{value!r} has no month {month:02d}")
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise field_error(field, f"{value!r} is not a day of {calendar.month_name[month]} {year}")
    if month is None:
        return f"{year:04d}-" + ("12-31" if end else "01-01")
    if day is None:
        return f"{year:04d}-{month:02d}-" + (f"{calendar.monthrange(year, month)[1]:02d}" if end else "01")
    return f"{year:04d}-{month:02d}-{day:02d}"


def actor_names() -> list[str]:
    return [variant for variants in members.variants_by_actor().values() for variant in variants]


def suggestion(wanted: str, names: list[str]) -> str:
    """"; did you mean X or Y?" for names spelled like `wanted`, else ""."""
    close = difflib.get_close_matches(wanted.lower(), [name.lower() for name in names], n=3, cutoff=0.75)
    by_lower = {name.lower(): name for name in names}
    suggested = list(dict.fromkeys(by_lower[name] for name in close))
    return f"; did you mean {' or '.join(suggested)}?" if suggested else ""
