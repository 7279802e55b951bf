"""The published JSON Schema of the CLI's `--json` output (docs/json-schema/) is current, and what the
commands print on the real CTD minutes and the real dispute registry conforms to it."""

import importlib.util
import json
import shutil

import pytest
from click.testing import CliRunner

from wto_assist.cases.casefile import list_cases
from wto_assist.cli import main
from wto_assist.concerns import inventory
from wto_assist.results import COMMAND_RESULTS

from .conftest import REPO


def _script():
    spec = importlib.util.spec_from_file_location("json_schema_script", REPO / "scripts" / "json_schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "object": dict, "array": list, "null": type(None)}


def problems(value, schema: dict, root: dict, where: str = "$") -> list[str]:
    """What in `value` breaks `schema`: the subset of JSON Schema the published files use ($ref, anyOf,
    type, properties, required, additionalProperties, items)."""
    if "$ref" in schema:
        return problems(value, root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root, where)
    if "anyOf" in schema:
        found = [problems(value, option, root, where) for option in schema["anyOf"]]
        return [] if any(not f for f in found) else min(found, key=len)
    expected = TYPES[schema["type"]]
    if not isinstance(value, expected) or (schema["type"] in ("integer", "number") and isinstance(value, bool)):
        return [f"{where}: {type(value).__name__}, not {schema['type']}"]
    found = []
    if schema["type"] == "object" and "properties" in schema:
        found += [f"{where}: no {name!r}" for name in schema["required"] if name not in value]
        if schema.get("additionalProperties") is False:
            found += [f"{where}: {name!r} is not in the schema" for name in value if name not in schema["properties"]]
        for name, item in value.items():
            if name in schema["properties"]:
                found += problems(item, schema["properties"][name], root, f"{where}.{name}")
    if schema["type"] == "array" and "items" in schema:
        for index, item in enumerate(value):
            found += problems(item, schema["items"], root, f"{where}[{index}]")
    return found


def test_the_published_schema_is_what_the_result_classes_say():
    for command in COMMAND_RESULTS:
        path = SCRIPT.TARGET / SCRIPT.file_name(command)
        assert path.read_text(encoding="utf-8") == SCRIPT.rendered(command), \
            f"{path.name} is stale: run `python scripts/json_schema.py` and commit it"


def test_the_validator_catches_a_missing_field_a_wrong_type_and_an_extra_field():
    schema = json.loads((SCRIPT.TARGET / "relations.json").read_text(encoding="utf-8"))
    good = {name: "x" for name in schema["$defs"]["Relation"]["required"]}
    assert problems([good], schema, schema) == []
    assert problems([{**good, "supporter": 3}], schema, schema) == ["$[0].supporter: int, not string"]
    assert problems([dict(good, extra=1)], schema, schema) == ["$[0]: 'extra' is not in the schema"]
    missing = dict(good)
    del missing["evidence"]
    assert problems([missing], schema, schema) == ["$[0]: no 'evidence'"]


@pytest.fixture(scope="module")
def real(ctd_db, shared, tmp_path_factory):
    """A copy of the real CTD corpus with the real dispute registry and a BM25 index."""
    folder = tmp_path_factory.mktemp("json-schema")
    db, index_dir = folder / "corpus.sqlite", folder / "index"
    shutil.copy(ctd_db, db)
    runner = CliRunner()
    for arguments in (["load-disputes", str(shared / "data" / "disputes-ds1-624.jsonl")], ["index", "--no-dense"],
                      ["case", "new", "--from", str(REPO / "examples" / "case-dairy-timber.yaml")],
                      ["watch", "add", "dfqf", "--query", "duty-free", "--report-existing"]):
        result = runner.invoke(main, [*arguments, "--db", str(db), *(["--index", str(index_dir)] if arguments[0] == "index" else [])])
        assert result.exit_code == 0, result.output
    # The case links a dispute and the paragraph of a real concern, so that `case show` lists both kinds of link.
    (case,) = list_cases(db)
    (concern, *_) = inventory(db)
    for reference, role in ((concern["concern_id"], "raised"), ("DS512", "dispute")):
        result = runner.invoke(main, ["case", "link", case["id"], reference, "--as", role, "--db", str(db)])
        assert result.exit_code == 0, result.output
    return db, index_dir


COMMANDS = {
    "search": ["search", "special and differential treatment", "--k", "5"],
    "list": ["list"],
    "disputes": ["disputes", "--member", "India", "--role", "respondent"],
    "disputes --provision": ["disputes", "--provision", "GATT1994:XXI"],
    "precedent": ["precedent", "GATT1994:XXI", "security exceptions", "--k", "3"],
    "relations": ["relations", "--member", "Brazil"],
    "case list": ["case", "list"],
    "show": ["show", "WT/COMTD/M/68"],
    "concerns": ["concerns"],
    "coalition": ["coalition", "generalized system of preferences", "--member", "Pakistan"],
    "coverage": ["coverage"],
    "check-numbering": ["check-numbering"],
    "case show": ["case", "show", "{case}"],
    "watch list": ["watch", "list"],
    "watch run": ["watch", "run"],
    "eval": ["eval", "{queries}", "--mode", "bm25"],
    "case suggest": ["case", "suggest", "{case}", "--k", "3"],
    "draft --preview": ["draft", str(REPO / "examples" / "ctd-dfqf-ldc-statement.yaml"), "--preview"],
}
CHECKED_ELSEWHERE = {"verify"}  # needs a drafted DOCX: tests/test_draft.py checks its --json against the schema
RESULT_IN_EXIT_STATUS = {"check-numbering"}  # exits 1 when there are numbers to check by eye


def test_every_published_command_is_checked_on_real_output():
    assert set(COMMAND_RESULTS) == set(COMMANDS) | CHECKED_ELSEWHERE


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_real_json_output_conforms_to_the_published_schema(real, shared, tmp_path, command):
    db, index_dir = real
    queries = tmp_path / "queries.jsonl"  # 12 of the real dev queries: the shape is checked, not the scores
    queries.write_text("\n".join((shared / "eval" / "dev-queries.jsonl").read_text(encoding="utf-8").splitlines()[:12]) + "\n")
    arguments = [argument.format(case=list_cases(db)[0]["id"], queries=queries) for argument in COMMANDS[command]]
    searching = arguments[0] in ("search", "precedent", "coalition", "draft", "eval") or arguments[:2] == ["case", "suggest"]
    options = ["--db", str(db)] + (["--index", str(index_dir)] if searching else [])
    result = CliRunner().invoke(main, [*arguments, *options, "--json"])
    assert result.exit_code in ((0, 1) if command in RESULT_IN_EXIT_STATUS else (0,)), result.output
    value = json.loads(result.stdout)
    assert value, f"{command}: nothing to check"
    schema = json.loads((SCRIPT.TARGET / SCRIPT.file_name(command)).read_text(encoding="utf-8"))
    assert problems(value, schema, schema) == []
    if command == "precedent":
        assert value["disputes"] and value["paragraphs"]
    if command == "case show":
        assert {link["role"] for link in value["links"]} == {"raised", "dispute"}
        assert all(link["paragraph"]["citation"] == link["current_citation"] for link in value["links"] if link["role"] == "raised")
    if command == "watch run":
        assert value[0]["new"] and all("duty-free" in paragraph["text"].lower() for paragraph in value[0]["new"])
    if command == "eval":
        assert value[0]["mode"] == "bm25" and value[0]["queries"] == 12
    if command == "case suggest":
        assert value["disputes"] and value["attached"] is None and all(item["why"] for item in value["disputes"])
    if command == "coalition":
        assert value["lines"] and value["subject"]
    if command == "draft --preview":  # the real LDC Group language: each passage kept, quoted, verified, cited in its footnote
        statement = value["statement"]
        assert statement["checks"] and all(check["status"] == "verified" for check in statement["checks"])
        assert [check["citation"] for check in statement["checks"]] == [p["citation"] for p in value["passages"] if p["kept"]]
        assert len(statement["footnotes"]) == len(statement["checks"])
        assert all(note["text"].endswith(f", {check['citation']}.") for note, check in zip(statement["footnotes"], statement["checks"]))
