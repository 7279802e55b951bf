"""The default DOCX templates, shipped inside the package (see pyproject.toml)."""
