"""The example briefs, shipped inside the package as wto_assist.examples (see pyproject.toml)."""
