"""A user's decision on a document's release status (public or RESTRICTED, over the derestriction rules),
checked once for the CLI's `restriction` and any other front end."""

from __future__ import annotations

from .documents.symbols import normalise_symbol
from .errors import NotFoundError, WtoAssistError
from .store import Store

DECISIONS = ("public", "restricted", "clear")


def record_decision(store: Store, symbol: str, decision: str | None, reason: str | None) -> str:
    """Record `decision` ("public", "restricted", or "clear" to let the rules apply again; None records
    nothing) with its reason; returns the symbol as the WTO writes it. A symbol not in the corpus, or a
    decision without a reason, is an error naming its field."""
    symbol = normalise_symbol(symbol)
    reason = (reason or "").strip()
    if decision not in (None, *DECISIONS):
        raise WtoAssistError(f"decision: {decision!r} is not one of {', '.join(DECISIONS)}", field="decision")
    if decision in ("public", "restricted") and not reason:
        raise WtoAssistError(f"reason: say why the document is {decision}, so that a later reader can check it", field="reason")
    if store.document(symbol) is None:
        raise NotFoundError(f"symbol: {symbol} is not in the corpus ({store.path})", field="symbol")
    if decision:
        store.set_restriction(symbol, None if decision == "clear" else decision == "restricted", reason)
    return symbol
