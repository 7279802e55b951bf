"""Recall of `disputes --provision KEY` on the newer WTO dispute table, loaded alone, against an
independent count made here from the raw "agreements_cited" strings with plain pattern matching
(no code shared with the registry's parser).

A dispute counts for a provision when its raw cell names the provision or one within it, in either
of the table's layouts ("Technical Barriers to Trade (TBT): II:2" or "Art. 2.1, 2.2 Technical
Barriers to Trade (TBT)"), with Roman or Arabic article numbers, GATT 1947 read as GATT 1994.

Usage: python benchmarks/bench_registry.py [SHARED_DIR]   (about 10 seconds)
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

from wto_assist.registry import load_registry
from wto_assist.registry.query import find_disputes
from wto_assist.store import Store

REPO = Path(__file__).resolve().parents[1]

# key -> (names the raw table uses for the agreement, spellings of the provision in the raw table)
PROVISIONS = {
    "GATT1994:I:1": (["GATT 1947", "GATT 1994"], ["I:1"]),
    "GATT1994:III:4": (["GATT 1947", "GATT 1994"], ["III:4"]),
    "GATT1994:V": (["GATT 1947", "GATT 1994"], ["V"]),
    "GATT1994:XI:1": (["GATT 1947", "GATT 1994"], ["XI:1"]),
    "GATT1994:XX": (["GATT 1947", "GATT 1994"], ["XX"]),
    "GATT1994:XXI": (["GATT 1947", "GATT 1994"], ["XXI"]),
    "TBT:2.1": (["Technical Barriers to Trade (TBT)"], ["II:1", "2.1"]),
    "TBT:2.2": (["Technical Barriers to Trade (TBT)"], ["II:2", "2.2"]),
    "SPS:2.2": (["Sanitary and Phytosanitary Measures (SPS)"], ["II:2", "2.2"]),
    "SPS:5.1": (["Sanitary and Phytosanitary Measures (SPS)"], ["V:1", "5.1"]),
    "SG:2.1": (["Safeguards"], ["II:1", "2.1"]),
    "SG:4.2": (["Safeguards"], ["IV:2", "4.2"]),
    "AD:2.4": (["Anti-dumping", "Anti Dumping"], ["II:4", "2.4"]),
    "AD:3.1": (["Anti-dumping", "Anti Dumping"], ["III:1", "3.1"]),
    "TRIPS:3.1": (["Intellectual Property (TRIPS)"], ["III:1", "3.1"]),
    "TRIPS:28": (["Intellectual Property (TRIPS)"], ["XXVIII", "28"]),
    "AG:4.2": (["Agriculture"], ["IV:2", "4.2"]),
    "SCM:3.1": (["Subsidies and Countervailing Measures (SCM)"], ["III:1", "3.1"]),
}


RAW_NAMES = sorted({name for names, _ in PROVISIONS.values() for name in names}, key=len, reverse=True)


def _references_by_agreement(cell: str) -> list[tuple[str, str]]:
    """(agreement name as written, one reference) for every reference in a raw cell."""
    found = []
    for item in cell.split(";"):
        item = item.strip()
        if ":" in item and not item.startswith("Art."):
            name, references = item.split(":", 1)
            found += [(name.strip(), ref.strip()) for ref in references.replace("Art.", "").split(",") if ref.strip()]
            continue
        # "Art. I:1, III:4 GATT 1994 Art. 2.1 Technical Barriers to Trade (TBT)": references, then the name.
        for chunk in re.findall(r"Art\.\s*(.*?)(?=\s*Art\.|$)", item):
            name = next((n for n in RAW_NAMES if chunk.rstrip().endswith(n)), None)
            if name:
                references = chunk.rstrip()[: -len(name)].replace(" of", "")
                found += [(name, ref.strip()) for ref in references.split(",") if ref.strip()]
    return found


def names_provision(cell: str, names: list[str], spellings: list[str]) -> bool:
    for name, reference in _references_by_agreement(cell):
        if name not in names:
            continue
        for spelling in spellings:
            if reference == spelling or re.match(re.escape(spelling) + r"[(.:]", reference):
                return True
    return False


def measure(shared: Path) -> dict:
    rows = [json.loads(line) for line in (shared / "data" / "disputes-ds1-624.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "corpus.sqlite"
        report = load_registry(shared / "data" / "disputes-ds1-624.jsonl", db)
        results = {}
        with Store(db, create=False) as store:
            for key, (names, spellings) in PROVISIONS.items():
                expected = {row["ds"] for row in rows if names_provision(row["agreements_cited"], names, spellings)}
                found = {row["ds"] for row in find_disputes(store, provision=key) if row["involvement"] == "cited"}
                results[key] = {"expected": len(expected), "found": len(expected & found), "extra": sorted(found - expected),
                                "missed": sorted(expected - found)}
            facts = {
                "stage sources": dict(store.connection.execute(
                    "SELECT CASE WHEN stage_source LIKE 'WTO status code%' THEN 'status code' ELSE stage_source END, COUNT(*)"
                    " FROM disputes GROUP BY 1").fetchall()),
                "summary paragraphs": store.connection.execute(
                    "SELECT COUNT(*) FROM paragraphs p JOIN documents d ON d.id = p.document_id WHERE d.family = 'dispute-summary'").fetchone()[0],
                "see-also links": store.connection.execute("SELECT COUNT(*) FROM dispute_links").fetchone()[0],
            }
        from wto_assist.precedent import find_precedent

        xxi = find_precedent("GATT1994:XXI", db, Path(folder) / "no-index")
        facts["precedent GATT1994:XXI"] = {how: [d["ds"] for d in xxi["disputes"] if d["involvement"][0]["how"] == how]
                                           for how in dict.fromkeys(d["involvement"][0]["how"] for d in xxi["disputes"])}
    return {"facts": facts, "loaded": report.loaded, "rows": len(rows), "bad_rows": report.bad_rows, "unreadable": report.unreadable, "provisions": results}


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared"
    result = measure(shared)
    print(f"rows {result['rows']}, loaded {result['loaded']}, bad rows {len(result['bad_rows'])}, unreadable fragments {len(result['unreadable'])}")
    for name, value in result["facts"].items():
        print(f"{name}: {value}")
    for line, fragment in result["unreadable"]:
        print(f"  line {line}: {fragment}")
    print("| provision | disputes naming it (independent count) | found by `disputes --provision` | recall | found beyond the count |")
    print("|---|---|---|---|---|")
    expected = found = 0
    for key, counts in result["provisions"].items():
        expected += counts["expected"]
        found += counts["found"]
        recall = counts["found"] / counts["expected"] if counts["expected"] else 1.0
        print(f"| {key} | {counts['expected']} | {counts['found']} | {recall:.3f} | {len(counts['extra'])} |")
        if counts["missed"]:
            print(f"  missed: {', '.join(counts['missed'])}")
    print(f"| **overall** | {expected} | {found} | {found / expected:.3f} | |")


if __name__ == "__main__":
    main()
