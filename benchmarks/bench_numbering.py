"""Paragraph numbers against the numbers the WTO printed (issue 25), as reported in docs/numbering.md.

Prints, for the dev file's meetings 1-60 (texts made from the PDFs, `paranum` as printed), how many
aligned paragraphs carry the printed number, per meeting and overall; then, for all 110 CTD minutes, how
each number was decided (printed, counted, within a paragraph, ordinal) and how many judgement calls
`check-numbering` reports.

Usage: python benchmarks/bench_numbering.py [SHARED_DIR]   (about 20 seconds)
"""

from __future__ import annotations

from collections import Counter

from real_minutes import ingested_minutes, shared_folder
from wto_assist.numbering import check_numbering
from wto_assist.quality import numbering_agreement


def main() -> None:
    shared = shared_folder()
    with ingested_minutes(shared) as store:
        result = numbering_agreement(store, shared / "corpus" / "ctd-paragraphs-dev.jsonl")
        reports = check_numbering(store)
    print("meeting  agreed/compared  unaligned")
    for symbol, (agreed, compared, unaligned) in sorted(result.by_symbol.items(), key=lambda item: int(item[0].split("/")[-1])):
        mark = "" if agreed == compared else "   <- first difference: see check-numbering"
        print(f"{symbol:15} {agreed:4}/{compared:<4}  {unaligned:4}{mark}")
    exact = sum(1 for agreed, compared, _ in result.by_symbol.values() if agreed == compared)
    print(f"agreement with the printed numbers: {result.agreed}/{result.compared} = {result.rate:.3f}"
          f" ({result.unaligned} gold paragraphs not aligned by their opening words; agreed over all gold paragraphs:"
          f" {result.share_of_gold:.3f}); meetings agreeing throughout:"
          f" {exact} of {len(result.by_symbol)}")
    # Every meeting of the dev file has now been read while writing rules (docs/measurements.md gives the
    # figures measured before meetings were read: even 2-46 and 48-60 held out in turn).
    for name, meetings in (("meetings 48-60, even (held out until 28 November 2026)", range(48, 61, 2)),
                           ("the other meetings", [n for n in range(1, 61) if n not in range(48, 61, 2)])):
        rows = [result.by_symbol[f"WT/COMTD/M/{n}"] for n in meetings if f"WT/COMTD/M/{n}" in result.by_symbol]
        agreed, compared = sum(r[0] for r in rows), sum(r[1] for r in rows)
        print(f"  {name}: {agreed}/{compared} = {agreed / compared:.3f}")
    kinds = Counter()
    for report in reports:
        kinds.update(report.kinds)
    notes = sum(len(report.notes) for report in reports)
    print(f"all {len(reports)} CTD minutes: " + ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())
          + f"; {notes} judgement calls reported by check-numbering in {sum(1 for r in reports if r.notes)} documents")


if __name__ == "__main__":
    main()
