"""The example briefs shipped with the package: list them and copy them where a user edits them.

They live in examples/ of a checkout and ship inside the package as `wto_assist.examples` (the way the
DOCX templates ship as `wto_assist.templates`), so `pip install .` has them too."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Example:
    name: str  # file name, e.g. committee-statement.yaml
    path: Path
    kind: str  # the brief's kind, or "case file" for a `case new --from` file
    about: str  # the file's opening comment, which says what corpus it needs


def examples_dir() -> Path:
    """The installed examples; from a source tree not installed with them, the checkout's examples/."""
    from importlib import resources

    try:
        return Path(str(resources.files("wto_assist.examples")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "examples"


def list_examples() -> list[Example]:
    found = []
    for path in sorted(examples_dir().glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
        kind = data.get("kind") if isinstance(data, dict) else None
        comment = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            comment.append(line.lstrip("#").strip())
        found.append(Example(path.name, path, kind or "case file", " ".join(comment)))
    return found


def copy_examples(folder: Path) -> tuple[list[Path], list[Path]]:
    """Copy every example into `folder` (created); a file already there is kept, never overwritten,
    since the user may have edited it. Returns (copied, kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for example in list_examples():
        target = folder / example.name
        if target.exists():
            kept.append(target)
            continue
        shutil.copyfile(example.path, target)
        copied.append(target)
    return copied, kept
