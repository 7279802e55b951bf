"""Case bundles: cases shared with like-minded Members (or the public) as one zip, and read back.

    case-bundle.json      the cases' fields shared at the bundle's level, evidence records, links,
                          who shared it and when (data/case-bundle.schema.json; docs/case-bundle.md)
    evidence/<sha256>/<name>   the evidence files shared at that level
    MANIFEST.sha256       "<sha256>  <path>" for every other file in the zip

Export never writes a field or file above the level asked for. Import checks everything first (every
file against the manifest, no file outside it, the schema version, the JSON against the schema) and
writes nothing when a check fails; a case it already holds gets the shared copy as a version beside
its own, with its source, and the same bundle imported twice adds nothing. The manifest detects damage
and edits in transit; it is not a signature (anyone who edits a file can rewrite the manifest).
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Callable

from .. import members
from ..exports import atomic_write
from ..corpus import Corpus
from . import store as rows
from .casefile import _require, current, store_evidence_file
from .model import CASE_ID, LEVELS, CaseError

FORMAT = "wto-assist case bundle"
SCHEMA_VERSION = 1
BUNDLE_JSON = "case-bundle.json"
MANIFEST = "MANIFEST.sha256"
MAX_BUNDLE_FILES = 10_000
MAX_UNPACKED_BYTES = 2_000_000_000


class BundleError(CaseError):
    """A bundle that cannot be written or is refused on import; nothing was imported."""


@lru_cache(maxsize=1)
def bundle_schema() -> dict:
    return json.loads(resources.files("wto_assist").joinpath("data/case-bundle.schema.json").read_text(encoding="utf-8"))


_TYPES = {"object": dict, "array": list, "string": str, "integer": int, "null": type(None)}


def schema_problem(value, schema: dict, where: str = "") -> str | None:
    """The first way `value` breaks `schema` (the subset of JSON Schema the bundle schema uses), or None."""
    allowed = schema.get("type")
    if allowed is not None:
        kinds = [allowed] if isinstance(allowed, str) else allowed
        if not any(isinstance(value, _TYPES[kind]) and not (kind == "integer" and isinstance(value, bool)) for kind in kinds):
            return f"{where or 'the bundle'}: must be {' or '.join(kinds)}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{where}: {value!r} must be one of {', '.join(map(str, schema['enum']))}"
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                return f"{where + '.' if where else ''}{name}: is required"
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                problem = schema_problem(item, properties[name], f"{where + '.' if where else ''}{name}")
                if problem:
                    return problem
            elif schema.get("additionalProperties") is False:
                return f"{where + '.' if where else ''}{name}: unknown field"
            elif isinstance(schema.get("additionalProperties"), dict):
                problem = schema_problem(item, schema["additionalProperties"], f"{where + '.' if where else ''}{name}")
                if problem:
                    return problem
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problem = schema_problem(item, schema["items"], f"{where}[{index}]")
            if problem:
                return problem
    return None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def shared_by_text(delegation: str, person: str) -> str:
    return f"{members.in_prose(delegation)}'s delegation ({person})"


# --- export -------------------------------------------------------------------------------------


def export_bundle(corpus: Corpus | Path, home: Path, case_ids: list[str], level: str, out: Path, delegation: str | None, person: str,
                  shared_at: str | None = None) -> dict:
    """Write the cases (all when `case_ids` is empty) at `level`; returns what went in."""
    from .. import __version__

    if level not in LEVELS[1:]:
        raise BundleError(f"level: {level!r} must be like-minded or public (internal fields are never exported)", field="level")
    floor = LEVELS.index(level)
    files: dict[str, bytes] = {}
    cases = []
    with rows.opened(corpus) as store:
        for case_id in case_ids or rows.case_ids(store):
            _require(store, case_id)
            case, _ = current(store, case_id)
            delegation = delegation or case.delegation
            fields = case.shared(level)
            evidence = []
            for item in rows.evidence(store, case_id):
                if LEVELS.index(item["level"]) < floor:
                    continue
                path = f"evidence/{item['sha256']}/{Path(item['stored_path']).name}"
                data = (Path(home) / item["stored_path"]).read_bytes()
                if _sha(data) != item["sha256"]:
                    raise BundleError(f"evidence {item['stored_path']} of case {case_id} changed since it was attached (SHA-256 differs)")
                files[path] = data
                evidence.append({key: item[key] for key in ("sha256", "name", "size", "media_type", "note", "added_by", "added_at", "level")}
                                | {"path": path})
            links = []
            if "links" in fields["sharing"]:
                links = [{key: item[key] for key in ("target", "role", "citation", "date", "concern_id", "note")}
                         for item in rows.links(store, case_id)]
            cases.append({"id": case_id, "fields": fields, "evidence": evidence, "links": links})
    if not cases:
        raise BundleError("no cases to export")
    if not delegation:
        raise BundleError("delegation: say which delegation shares the bundle (the cases name none)", field="delegation")
    members.require(delegation, "delegation", error=BundleError)
    document = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "level": level,
                "shared_by": {"delegation": members.canonical(delegation), "person": person},
                "shared_at": shared_at or rows.now(), "generator": f"wto-assist {__version__}", "cases": cases}
    files[BUNDLE_JSON] = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    manifest = "".join(f"{_sha(data)}  {name}\n" for name, data in sorted(files.items()))

    def write(target: str) -> None:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(files.items()):
                archive.writestr(name, data)
            archive.writestr(MANIFEST, manifest)

    atomic_write(Path(out), write)
    return {"cases": [c["id"] for c in cases], "evidence": sum(len(c["evidence"]) for c in cases), "level": level,
            "shared_by": shared_by_text(delegation, person)}


# --- import -------------------------------------------------------------------------------------


def read_bundle(path: Path, on_file: Callable[[int, int], None] | None = None) -> tuple[dict, dict[str, bytes], str]:
    """The bundle's JSON, its files and the zip's SHA-256, after every check; BundleError otherwise.
    `on_file(done, total)` after each file is read (reading a bundle of evidence is the long part)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        archive = zipfile.ZipFile(path)
    except OSError as error:
        raise BundleError(f"{path}: cannot read ({error.strerror or error})") from error
    except zipfile.BadZipFile:
        raise BundleError(f"{path}: not a zip file; a case bundle is the zip file a case export writes") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_BUNDLE_FILES or sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise BundleError(f"{path}: too many files or too large once unpacked; refused")
        names = [info.filename for info in infos if not info.is_dir()]
        for name in names:
            pure = PurePosixPath(name)
            if pure.is_absolute() or ".." in pure.parts or "\\" in name:
                raise BundleError(f"{path}: unsafe file name {name!r} in the bundle; refused")
        if MANIFEST not in names or BUNDLE_JSON not in names:
            raise BundleError(f"{path}: no {MANIFEST if MANIFEST not in names else BUNDLE_JSON}; not a case bundle")
        files = {}
        for done, name in enumerate(names, 1):
            files[name] = archive.read(name)
            if on_file:
                on_file(done, len(names))
    listed: dict[str, str] = {}
    for number, line in enumerate(files.pop(MANIFEST).decode("utf-8", "replace").splitlines(), 1):
        match = re.fullmatch(r"([0-9a-f]{64})  (.+)", line)
        if not match:
            raise BundleError(f"{path}: {MANIFEST}, line {number}: not '<sha256>  <path>'; refused")
        listed[match.group(2)] = match.group(1)
    for name, data in files.items():
        if name not in listed:
            raise BundleError(f"{path}: {name} is not in the manifest; refused, nothing imported")
        if _sha(data) != listed[name]:
            raise BundleError(f"{path}: {name} fails its SHA-256 in the manifest (changed after export); refused, nothing imported")
    missing = sorted(set(listed) - set(files))
    if missing:
        raise BundleError(f"{path}: {missing[0]} is listed in the manifest but missing; refused, nothing imported")
    try:
        document = json.loads(files[BUNDLE_JSON].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError(f"{path}: {BUNDLE_JSON} is not JSON ({error}); refused") from None
    version = document.get("schema_version") if isinstance(document, dict) else None
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise BundleError(f"{path}: bundle schema version {version} is newer than this wto-assist reads ({SCHEMA_VERSION});"
                          " update wto-assist to import it; nothing imported")
    problem = schema_problem(document, bundle_schema())
    if problem:
        raise BundleError(f"{path}: {BUNDLE_JSON}: {problem}; refused, nothing imported")
    for index, case in enumerate(document["cases"]):
        if not CASE_ID.match(case["id"]) or case["fields"]["id"] != case["id"]:
            raise BundleError(f"{path}: {BUNDLE_JSON}: cases[{index}].id: {case['id']!r} is not a case id (or differs from fields.id); refused")
        for item in case["evidence"]:
            if item["path"] not in files or _sha(files[item["path"]]) != item["sha256"]:
                raise BundleError(f"{path}: evidence {item['name']} of case {case['id']} does not match its SHA-256; refused")
    return document, files, _sha(raw)


def import_bundle(corpus: Corpus | Path, home: Path, path: Path, on_progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Add the bundle's cases as shared versions, with their evidence and links; returns counts.
    `on_progress(step, done, total)`: step "checked" as the bundle's files are read, then "stored" as each
    case is stored with its evidence."""
    document, files, bundle_sha = read_bundle(path, (lambda done, total: on_progress("checked", done, total)) if on_progress else None)
    shared_by = shared_by_text(document["shared_by"]["delegation"], document["shared_by"]["person"])
    report = {"shared_by": shared_by, "shared_at": document["shared_at"], "level": document["level"],
              "versions_added": 0, "unchanged": 0, "evidence_added": 0, "links_added": 0, "cases": []}
    with rows.opened(corpus) as store:
        for done, case in enumerate(document["cases"], 1):
            case_id = case["id"]
            fields = dict(case["fields"], id=case_id)
            if rows.add_version(store, case_id, fields, "shared", shared_by, document["shared_at"], bundle_sha):
                report["versions_added"] += 1
            else:
                report["unchanged"] += 1
            report["cases"].append(case_id)
            for item in case["evidence"]:
                stored = store_evidence_file(home, item["sha256"], item["name"], files[item["path"]])
                record = {key: item[key] for key in ("sha256", "name", "size", "media_type", "note", "added_by", "added_at", "level")}
                report["evidence_added"] += rows.add_evidence(store, dict(record, case_id=case_id, shared_by=shared_by,
                                                                          stored_path=str(stored.relative_to(home))))
            for item in case["links"]:
                report["links_added"] += rows.add_link(store, dict(item, case_id=case_id, added_at=rows.now(), shared_by=shared_by))
            if on_progress:
                on_progress("stored", done, len(document["cases"]))
    return report
