"""The documentation stays true: the CLI reference is what `--help` says now, the README starts a
newcomer with the two commands and keeps the sample corpus out of a user's own, every field of a brief
is documented and every brief in docs/briefs.md is one `draft` accepts, and links between pages resolve."""

import ast
import importlib.util
import re

import yaml

from wto_assist.cli import main
from wto_assist.draft.brief import parse_brief

from .conftest import REPO

DOCS = REPO / "docs"


def _cli_reference():
    spec = importlib.util.spec_from_file_location("cli_reference", REPO / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_what_help_says_now():
    reference = _cli_reference()
    expected = reference.render()
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == expected, "docs/cli.md is stale: run `make cli-docs` and commit it"
    for name in main.commands:  # every command has its section, groups their subcommands
        assert f"## wto-assist {name}\n" in expected
    assert "### wto-assist case new\n" in expected


def test_cli_reference_write_replaces_the_file(tmp_path):
    target = tmp_path / "cli.md"
    target.write_text("stale")
    _cli_reference().write(target)
    assert target.read_text(encoding="utf-8").startswith("# Command reference") and "wto-assist examples" in target.read_text()


def test_readme_opens_with_make_demo_and_make_test():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    commands = [line.strip() for line in lines if line.startswith("    ") and line.strip()]
    assert commands[0].startswith("make demo") and commands[1].startswith("make test")
    head = "\n".join(lines[:40])
    assert "make demo" in head and "make test" in head
    assert len(lines) <= 200  # a newcomer's page; the rest is in docs/


def test_readme_walkthrough_keeps_the_sample_corpus_out_of_the_users_folder():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- walkthrough:[^>]*-->\s*```\n(.*?)```", readme, re.S).group(1)
    assert "corpora" not in block and 'WTO_ASSIST_HOME="$HOME/wto-work"' in block
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    demo_home = re.search(r"^DEMO_HOME := (\S+)", makefile, re.M).group(1)
    assert demo_home not in block
    demo_recipe = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "rm " not in demo_recipe  # `make demo` deletes nothing, its own folder included


def test_install_takes_cpu_only_torch():
    recipe = (REPO / "Makefile").read_text(encoding="utf-8").split("$(STAMP):", 1)[1].split("\n\n", 1)[0]
    assert "--no-index --no-deps '$(TORCH)+cpu'" in recipe  # a CPU wheel on disk first
    assert "--extra-index-url $(TORCH_CPU_INDEX)" in recipe and "TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu" in (REPO / "Makefile").read_text()


def _brief_fields() -> set[str]:
    """Every field name brief.py accepts: the sets passed to check_fields."""
    tree = ast.parse((REPO / "src" / "wto_assist" / "draft" / "brief.py").read_text(encoding="utf-8"))
    fields = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "check_fields":
            fields |= {element.value for element in node.args[0].elts}
    return fields


def test_brief_reference_documents_every_field_and_its_examples_draft():
    reference = (DOCS / "briefs.md").read_text(encoding="utf-8")
    fields = _brief_fields()
    assert {"kind", "support", "external", "date_from", "suggest_co_sponsors"} <= fields
    missing = sorted(name for name in fields if f"`{name}`" not in reference)
    assert not missing, f"docs/briefs.md does not document {missing}"
    briefs = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", reference, re.S)]
    assert {brief["kind"] for brief in briefs} == {"committee-statement", "tpr-statement", "joint-statement", "third-party-submission"}
    for brief in briefs:
        parse_brief(brief, "docs/briefs.md")


def test_links_between_pages_resolve():
    pages = [REPO / "README.md", *DOCS.glob("*.md")]
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+://", target) and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(REPO)} -> {target}")
    assert not broken
