"""The query-time encoder: the same sentence-transformers model exported to ONNX, run without torch.

Importing torch and sentence-transformers costs about 4 s before a default-mode query can start; ONNX
Runtime and the tokenizers library load in well under a second. The export is made once per model
(when an index is built, where torch is loaded anyway) into a cache folder keyed by the model's files,
and checked against the torch model on sample texts before it is used. A model whose layout is not
Transformer + mean pooling (+ normalisation), or a missing export, falls back to the torch encoder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

EXPORT_FILES = ("model.onnx", "tokenizer.json", "encoder.json")
_CHECK_TEXTS = [
    "duty-free quota-free market access for least-developed countries",
    "The representative of Bangladesh, on behalf of the LDC Group, said that " * 12,
]


def cache_dir() -> Path:
    """$WTO_ASSIST_CACHE, else $XDG_CACHE_HOME/wto-assist (~/.cache/wto-assist)."""
    configured = os.environ.get("WTO_ASSIST_CACHE")
    if configured:
        return Path(configured).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "wto-assist"


def fingerprint(model_path: str) -> str:
    """A key that changes whenever any file of the model folder changes."""
    root = Path(model_path).resolve()
    digest = hashlib.sha1(str(root).encode("utf-8"))
    for file in sorted(path for path in root.rglob("*") if path.is_file()):
        stat = file.stat()
        digest.update(f"{file.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode("utf-8"))
    return digest.hexdigest()[:20]


def export_folder(model_path: str) -> Path:
    return cache_dir() / "encoders" / fingerprint(model_path)


def _mean_pooling_layout(model_path: Path) -> bool:
    """Transformer at the folder root, then mean pooling, then (optionally) normalisation."""
    try:
        modules = json.loads((model_path / "modules.json").read_text(encoding="utf-8"))
        pooling = json.loads((model_path / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, IndexError):
        return False
    kinds = [module.get("type", "").rsplit(".", 1)[-1] for module in modules]
    return (
        kinds[:2] == ["Transformer", "Pooling"]
        and set(kinds[2:]) <= {"Normalize"}
        and modules[0].get("path", "") == ""
        and pooling.get("pooling_mode_mean_tokens") is True
        and not any(value for key, value in pooling.items() if key.startswith("pooling_mode_") and key != "pooling_mode_mean_tokens")
        and (model_path / "tokenizer.json").is_file()
    )


def export(encoder) -> Path | None:
    """Export a loaded torch Encoder's model to the cache (atomically), or None when its layout is not
    supported or the export disagrees with torch. An existing export is reused."""
    model_path = Path(encoder.name)
    target = export_folder(encoder.name)
    if all((target / name).is_file() for name in EXPORT_FILES):
        return target
    if not _mean_pooling_layout(model_path):
        return None
    import torch
    from transformers import AutoModel

    # Eager attention traces to a graph that handles any batch size and length; SDPA's shortcuts do not.
    transformer = AutoModel.from_pretrained(str(model_path), attn_implementation="eager").eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        sample = torch.ones((2, 8), dtype=torch.long)
        names = ["input_ids", "attention_mask", "token_type_ids"]
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the tracer's notes on constant shapes do not apply to this graph
            torch.onnx.export(
                LastHiddenState(transformer), (sample, sample, torch.zeros_like(sample)), str(building / "model.onnx"),
                input_names=names, output_names=["hidden"], opset_version=17, dynamo=False,
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in names + ["hidden"]},
            )
        shutil.copy(model_path / "tokenizer.json", building / "tokenizer.json")
        settings = {
            "model": str(model_path.resolve()),
            "max_seq_length": int(encoder.model.max_seq_length),
            "normalize": any("Normalize" in type(module).__name__ for module in encoder.model),
            "dimension": encoder.dimension,
        }
        (building / "encoder.json").write_text(json.dumps(settings, indent=1), encoding="utf-8")
        exported = OnnxEncoder(building)
        agreement = (exported.encode(_CHECK_TEXTS) * encoder.encode(_CHECK_TEXTS)).sum(axis=1)
        if float(agreement.min()) < 0.9999:
            return None
        try:
            os.replace(building, target)
        except OSError:  # another process exported the same model first
            pass
        return target if (target / "model.onnx").is_file() else None
    finally:
        shutil.rmtree(building, ignore_errors=True)


class OnnxEncoder:
    """Encodes like the torch Encoder (mean pooling over the attention mask, then normalisation)."""

    def __init__(self, folder: Path):
        import onnxruntime
        from tokenizers import Tokenizer

        settings = json.loads((folder / "encoder.json").read_text(encoding="utf-8"))
        self.name = settings["model"]
        self.dimension = int(settings["dimension"])
        self.normalize = bool(settings["normalize"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(settings["max_seq_length"]))
        self.tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), batch_size):
            encodings = self.tokenizer.encode_batch(texts[start : start + batch_size])
            ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
            mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.int64)
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
            vectors = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            if self.normalize:
                vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            parts.append(vectors.astype(np.float32))
        return np.concatenate(parts)


def query_encoder(model: str | None):
    """The ONNX export of `model` when one is cached, else the torch Encoder."""
    from .dense import Encoder, default_model

    name = model or default_model()
    if Path(name).exists():
        folder = export_folder(name)
        if all((folder / file).is_file() for file in EXPORT_FILES):
            try:
                return OnnxEncoder(folder)
            except Exception:  # a damaged export: the torch model gives the same vectors, only slower to load
                pass
    return Encoder(name)
