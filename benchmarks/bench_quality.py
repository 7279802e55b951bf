"""Ingest and entity quality on the real data, as reported in docs/measurements.md: symbols and meeting dates,
speaker agreement with the hand labels (with failure classes), Member recognition recall, and the
dispute tables' citation columns.

Usage: python benchmarks/bench_quality.py [SHARED_DIR]   (about 20 seconds)
"""

from __future__ import annotations

import csv
import re
import sys
import tempfile
from pathlib import Path

from wto_assist.ingest import ingest_paths
from wto_assist.quality import member_recall, speaker_report
from wto_assist.registry import load_registry
from wto_assist.store import Store

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared"
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "corpus.sqlite"
        report = ingest_paths([shared / "corpus" / "ctd-minutes"], db)
        print(f"files: {len(report.ingested)} ingested, {len(report.failed)} failed, "
              f"{sum(n for _, _, n in report.ingested)} paragraphs")
        meetings = {row["docid"]: row["date"] for row in csv.DictReader(open(shared / "data" / "ctd-meetings.csv"))}
        with Store(db, create=False) as store:
            documents = store.documents()
            symbols_right = dates_compared = dates_equal = from_file_name = 0
            for row in documents:
                stem = Path(row["source_path"]).stem
                number = re.sub(r"(?i)^wtcomtdm", "", stem)
                symbols_right += row["symbol"] == "WT/COMTD/M/" + re.sub(r"A(\d+)$", r"/Add.\1", number)
                from_file_name += store.document(row["symbol"])["symbol_source"] == "filename"
                key = "WTCOMTDM" + number
                if key in meetings:
                    dates_compared += 1
                    if meetings[key] == row["date"]:
                        dates_equal += 1
                    else:
                        print(f"  date differs: {row['symbol']} {row['date']} (table: {meetings[key]})")
            print(f"symbols right: {symbols_right} of {len(documents)} ({from_file_name} from the file name)")
            print(f"RESTRICTED on circulation: {sum(d['restricted_on_circulation'] for d in documents)} of {len(documents)};"
                  f" still restricted today under data/derestriction.tsv: {sum(d['restricted'] for d in documents)}")
            print(f"meeting dates equal to ctd-meetings.csv: {dates_equal} of {dates_compared}")
            gold = shared / "corpus" / "ctd-paragraphs-dev.jsonl"
            report = speaker_report(store, gold)
            for name, agreement in [("speaker agreement (Members and groups)", report.members),
                                    ("continuation blocks inside those paragraphs", report.continuations),
                                    *[(f"role {role}", agreement) for role, agreement in sorted(report.roles.items())]]:
                print(f"{name}: {agreement.agreed} of {agreement.compared} = {agreement.rate:.2%} "
                      f"({agreement.unaligned} gold paragraphs not aligned)")
                for failure, count in agreement.failures.most_common():
                    print(f"    {failure}: {count}, e.g. {agreement.examples[failure]}")
            found, compared, misses = member_recall(store, gold)
            print(f"Member recognition recall: {found} of {compared} = {found / compared:.2%}; misses: {misses}")
        for table in ("disputes.csv", "disputes-ds1-624.jsonl"):
            registry = load_registry(shared / "data" / table, db)
            print(f"{table}: {registry.loaded} loaded, {registry.provisions} provision keys, "
                  f"{len(registry.bad_rows)} bad rows, notes: {registry.notes}")


if __name__ == "__main__":
    main()
