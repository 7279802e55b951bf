"""Write docs/cli.md, the CLI reference, from the `--help` of every command (`make cli-docs`).

tests/test_docs.py regenerates it and fails when the committed file differs, so the reference cannot
go stale: after adding or changing a command or an option, run `make cli-docs` and commit the result."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from wto_assist.cli import main  # noqa: E402
from wto_assist.exports import atomic_write  # noqa: E402

TARGET = REPO / "docs" / "cli.md"
WIDTH = 80  # fixed, so the text does not depend on the terminal that runs the script

HEADER = """# Command reference

Generated from `wto-assist COMMAND --help` by `scripts/cli_reference.py`: do not edit by hand; run
`make cli-docs` after changing a command (tests/test_docs.py fails while this file is stale). The
commands are in the order of the pipeline, as `wto-assist --help` lists them.
"""


def _help(path: list[str]) -> str:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="wto-assist", terminal_width=WIDTH)
    if result.exit_code != 0:
        raise RuntimeError(f"wto-assist {' '.join(path)} --help failed: {result.output}")
    return result.output.rstrip() + "\n"


def _commands(group: click.Group, path: list[str]):
    """(path, command) for every command under `group`, in the order its --help lists them."""
    context = click.Context(group, info_name=" ".join(["wto-assist", *path]))
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if command is None or command.hidden:
            continue
        yield [*path, name], command
        if isinstance(command, click.Group):
            yield from _commands(command, [*path, name])


def render() -> str:
    parts = [HEADER, "```\n" + _help([]) + "```\n"]
    for path, _ in _commands(main, []):
        heading = "#" * min(len(path) + 1, 4)
        parts.append(f"{heading} wto-assist {' '.join(path)}\n\n```\n{_help(path)}```\n")
    return "\n".join(parts)


def write(target: Path = TARGET) -> None:
    text = render()
    atomic_write(target, lambda temporary: Path(temporary).write_text(text, encoding="utf-8"))


if __name__ == "__main__":
    write()
    print(f"wrote {TARGET.relative_to(REPO)}")
