"""Draft stage: a brief becomes a DOCX whose every quotation is cited and verified against the store."""
