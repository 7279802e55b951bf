"""Index stage: BM25 and dense (FAISS) indexes built from the corpus store, written atomically."""
