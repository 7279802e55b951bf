"""How the web pages word the library's errors (errors.py)."""

from __future__ import annotations


def shown(error: Exception) -> str:
    """An error as a page shows it: a field the library names ("member: …") by its label ("Member: …"),
    where the CLI shows the option ("--member: …")."""
    message, field = str(error), getattr(error, "field", None)
    if field and message.startswith(f"{field}:"):
        return field.replace("_", " ").capitalize() + message[len(field):]
    return message
