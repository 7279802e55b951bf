"""Write docs/json-schema/, the JSON Schema of the CLI's `--json` output, from wto_assist/results.py.

One file per command (`disputes --provision` is `disputes-provision.json`, `case list` is
`case-list.json`). tests/test_json_schema.py fails when a committed file differs from what this writes,
and checks real `--json` output against it: after changing a result class, run
`python scripts/json_schema.py` and commit the result."""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from wto_assist.exports import atomic_write_text  # noqa: E402
from wto_assist.results import COMMAND_RESULTS, json_schema  # noqa: E402

TARGET = REPO / "docs" / "json-schema"


def file_name(command: str) -> str:
    return command.replace(" --", "-").replace(" ", "-") + ".json"


def rendered(command: str) -> str:
    return json.dumps(json_schema(command), ensure_ascii=False, indent=2) + "\n"


def write(folder: Path = TARGET) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for command in COMMAND_RESULTS:
        path = folder / file_name(command)
        atomic_write_text(path, rendered(command))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write():
        print(path.relative_to(REPO))
