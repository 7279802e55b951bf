"""Would a classifier read stance better than the cues? Logistic regression over a Member turn's words
(tf-idf, 1-3 grams) or its MiniLM embedding, with or without the cues' answer as features, trained on the
labelled turns of every other set and scored on the set left out (docs/coalitions.md, "Fourth round").

Turns are the ones enrich/stance.py reads (member_turns), found by their first words as bench_relations.py
finds them. The fourth set's reader A is scored on a model trained on all the earlier sets.
Needs scikit-learn (installed with sentence-transformers) and the embedding model.
Usage: python benchmarks/bench_stance_classifier.py [SHARED_DIR]
"""

from __future__ import annotations


import numpy as np

from real_minutes import ingested_minutes, shared_folder
from wto_assist.enrich.relations import Turn
from wto_assist.enrich.relations_eval import (STANCE_HELD_OUT, STANCE_HELD_OUT_2, STANCE_HELD_OUT_3, STANCE_HELD_OUT_4, STANCE_TUNING,
                                              paragraph_finder)
from wto_assist.enrich.stance import STANCES, member_turns
from wto_assist.store import Store

SETS = {"meetings 24-40": STANCE_TUNING, "meetings 41-60": STANCE_HELD_OUT, "meetings 61-80": STANCE_HELD_OUT_2,
        "meetings 81-100": STANCE_HELD_OUT_3, "meetings 101-109 (reader A)": STANCE_HELD_OUT_4[0]}
LAST = "meetings 101-109 (reader A)"  # scored on a model of all the earlier sets


def labelled_turns(store: Store) -> list[dict]:
    """Each labelled turn with its set, its label, the cues' stance and the turn's text."""
    import json

    contexts = [Turn(*row[:7], continues=bool(row[7])) for row in store.paragraph_contexts()]
    texts = dict(store.paragraph_texts())
    joined = {t.paragraph_id: text for own, text in member_turns(contexts, texts) for t in own}
    ids = {(row[1], row[2]): row[0] for row in store.connection.execute(
        "SELECT p.id, d.symbol, p.seq FROM paragraphs p JOIN documents d ON d.id = p.document_id")}
    rows, finders = [], {}
    for name, path in SETS.items():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            label = json.loads(line)
            symbol = label["symbol"]
            finders.setdefault(symbol, paragraph_finder(store, symbol))
            seq = finders[symbol](label["first_words"])
            text = joined.get(ids.get((symbol, seq)), "")
            if not text:
                continue
            stored = store.stances([(symbol, seq)]).get((symbol, seq), [])
            rows.append({"set": name, "gold": label["stance"], "cues": stored[0]["stance"] if stored else None, "text": text})
    return rows


def scores(rows: list[dict], features: np.ndarray) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    sets = np.array([row["set"] for row in rows])
    gold = np.array([row["gold"] for row in rows])
    result = {}
    for held in SETS:
        train = (sets != held) & (sets != LAST)
        model = LogisticRegression(C=1, max_iter=3000).fit(features[train], gold[train])
        result[held] = float((model.predict(features[sets == held]) == gold[sets == held]).mean())
    return result


def main() -> None:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    from wto_assist.index.dense import Encoder

    with ingested_minutes(shared_folder()) as store:
        rows = labelled_turns(store)
    cues = np.array([[1.0 if row["cues"] == stance else 0.0 for stance in STANCES] for row in rows])
    # tf-idf fitted on all turns: no labels are read, and it keeps the comparison between sets simple
    words = TfidfVectorizer(ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=50000).fit_transform(
        [row["text"][:1500] for row in rows])
    embedded = Encoder().encode([row["text"][:1000] for row in rows])
    variants = {"cues alone": None, "words (tf-idf)": words, "words + cues": hstack([words, csr_matrix(cues * 2)]).tocsr(),
                "embedding": embedded, "embedding + cues": np.hstack([embedded, cues])}
    print(f"{len(rows)} labelled turns placed; accuracy on each set left out (the last set: trained on all earlier sets)\n")
    print("| variant | " + " | ".join(SETS) + " |\n|---|" + "---|" * len(SETS))
    for name, features in variants.items():
        if features is None:
            result = {held: float(np.mean([row["cues"] == row["gold"] for row in rows if row["set"] == held])) for held in SETS}
        else:
            result = scores(rows, features)
        print(f"| {name} | " + " | ".join(f"{result[held]:.3f}" for held in SETS) + " |")


if __name__ == "__main__":
    main()
