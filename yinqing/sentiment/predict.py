"""Loading a trained sentiment model and classifying texts with it.

The output of `SentimentClassifier.predict` for each text is a dict:
``label`` ("positive", "negative" or "neutral"), ``probability`` (of positive),
``probs`` (``{positive, neutral, negative}``, summing to 1; None when the text had nothing to
judge), ``confidence`` (probability of the chosen label), ``neutral`` (label is neutral) and,
with ``explain=True``, ``tokens``: the words whose removal moves P(positive) most, with the
signed change.

A three-class model (`ModelConfig.classes == 3`, the default since the fourth run) picks the
most probable class. A binary model (one logit: older files, the cnn and bigru) calls a
probability inside its neutral band neutral, and reports P(neutral) = 0.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import torch

from yinqing.sentiment.models import CLASSES, ModelConfig, build_model
from yinqing.sentiment.tokenize import cjk_share, has_content, normalise, words

FORMAT = "yinqing-sentiment/1"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "models" / "sentiment.pt"
# Probabilities inside [low, high] are reported as neutral (documented in MODEL.md).
DEFAULT_NEUTRAL_BAND = (0.35, 0.65)
REBUILD_HINT = "run `yinqing train sentiment` to rebuild it"


class ModelLoadError(RuntimeError):
    """The model file is missing or unreadable; the message names the rebuild command."""


class SentimentClassifier:
    """A trained model plus its metadata; `predict` is the batch API."""

    def __init__(self, module: torch.nn.Module, cfg: ModelConfig, meta: dict | None = None):
        self.module = module.eval()
        self.cfg = cfg
        self.meta = dict(meta or {})
        band = self.meta.get("neutral_band") or DEFAULT_NEUTRAL_BAND
        # A three-class model has no band: it predicts neutral itself.
        self.neutral_band = None if cfg.classes == 3 else (float(band[0]), float(band[1]))

    @property
    def version(self) -> str:
        """Short identifier stored next to each labelled comment (a new model re-labels)."""
        return str(self.meta.get("version") or f"{self.cfg.kind}-untracked")

    # -- scoring ---------------------------------------------------------------------------
    @torch.inference_mode()
    def class_probabilities(self, texts: list[str], batch_size: int = 512) -> list[dict[str, float]]:
        """{negative, neutral, positive} probabilities of each already normalised, non-empty text."""
        # Sorting by length keeps padding (and so wasted work) small for the char models.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        result: list[dict[str, float]] = [{}] * len(texts)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            logits = self.module(self.module.encode([texts[i] for i in idx]))
            if self.cfg.classes == 3:
                rows = torch.softmax(logits, dim=1).tolist()
            else:
                rows = [[1 - p, 0.0, p] for p in torch.sigmoid(logits).tolist()]
            for i, row in zip(idx, rows):
                result[i] = dict(zip(CLASSES, row))
        return result

    def probabilities(self, texts: list[str], batch_size: int = 512) -> list[float]:
        """P(positive) for each already normalised, non-empty text."""
        return [p["positive"] for p in self.class_probabilities(texts, batch_size)]

    def predict(self, texts: list[str], explain: bool = False, top_k: int = 6) -> list[dict]:
        """Classify each text; texts without letters or Chinese get a neutral 0.5 result."""
        clean = [normalise(t) for t in texts]
        scorable = [i for i, t in enumerate(clean) if has_content(t)]
        probs = self.class_probabilities([clean[i] for i in scorable])
        results = [self._result(None, reason="no_text") for _ in clean]
        for i, p in zip(scorable, probs):
            reason = None if cjk_share(clean[i]) >= 0.2 else "not_chinese"
            results[i] = self._result(p, reason=reason)
            if explain:
                results[i]["tokens"] = self.influential_tokens(clean[i], p["positive"], top_k)
        return results

    def label_of(self, probs: dict[str, float]) -> str:
        """The most probable class (three-class model) or the side outside the band (binary)."""
        if self.neutral_band is None:
            return max(CLASSES, key=probs.__getitem__)
        low, high = self.neutral_band
        p = probs["positive"]
        return "neutral" if low <= p <= high else ("positive" if p > 0.5 else "negative")

    def _result(self, probs: dict[str, float] | None, reason: str | None = None) -> dict:
        if probs is None:  # nothing to judge
            return {"label": "neutral", "probability": 0.5, "probs": None, "confidence": 0.0,
                    "neutral": True, "reason": reason}
        label = "neutral" if reason else self.label_of(probs)
        if self.neutral_band is None:
            confidence = probs[label]
        else:  # a binary model is as sure of a neutral label as of the likelier side
            confidence = max(probs["positive"], probs["negative"])
        out = {
            "label": label,
            "probability": round(probs["positive"], 4),
            "probs": {c: round(probs[c], 4) for c in ("positive", "neutral", "negative")},
            "confidence": round(confidence, 4),
            "neutral": label == "neutral",
        }
        if reason:
            # Outside Chinese the model is guessing: report neutral, low confidence.
            out["reason"] = reason
            out["confidence"] = round(min(out["confidence"], 0.5), 4)
        return out

    def influential_tokens(self, text: str, prob: float, top_k: int = 6) -> list[dict]:
        """Words whose deletion changes P(positive) most (occlusion), strongest first."""
        tokens = words(text)[:64]
        if len(tokens) < 2:
            return [{"token": t, "weight": round(prob - 0.5, 4)} for t in tokens]
        variants = ["".join(tokens[:i] + tokens[i + 1 :]) for i in range(len(tokens))]
        drops = self.probabilities([v if v else " " for v in variants])
        scored = {}
        for tok, p in zip(tokens, drops):
            if tok.strip() and tok not in scored:
                scored[tok] = prob - p  # > 0: the word pushed towards positive
        best = sorted(scored.items(), key=lambda kv: abs(kv[1]), reverse=True)[:top_k]
        return [{"token": t, "weight": round(w, 4)} for t, w in best if abs(w) > 1e-4]

    # -- persistence -----------------------------------------------------------------------
    def save(self, path: Path) -> Path:
        """Write the model (float16 weights, config, metadata) to `path`."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().to(torch.float16) if v.is_floating_point() else v
                 for k, v in self.module.state_dict().items()}
        # Plain JSON types only, so the file loads with torch.load(weights_only=True).
        meta = json.loads(json.dumps(self.meta, default=float))
        torch.save({"format": FORMAT, "config": self.cfg.to_dict(), "meta": meta, "state": state}, path)
        return path


def file_digest(path: Path) -> str:
    """First 8 hex digits of the SHA-256 of a file, part of the model version."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:8]


def load_classifier(path: Path | str | None = None) -> SentimentClassifier:
    """Load a model file; raise ModelLoadError if it is unusable.

    Without `path`: $YINQING_SENTIMENT_MODEL when set, else the committed default model.
    """
    path = Path(path or os.environ.get("YINQING_SENTIMENT_MODEL") or DEFAULT_MODEL_PATH)
    if not path.is_file():
        raise ModelLoadError(f"sentiment model file {path} is missing; {REBUILD_HINT}")
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
        if not isinstance(blob, dict) or blob.get("format") != FORMAT:
            raise ValueError("not a Yinqing sentiment model")
        cfg = ModelConfig(**blob["config"])
        module = build_model(cfg)
        module.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in blob["state"].items()})
    except ModelLoadError:
        raise
    except Exception as exc:  # any unreadable file means the same to the user
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
        raise ModelLoadError(f"sentiment model file {path} is corrupt ({reason}); {REBUILD_HINT}") from exc
    meta = dict(blob.get("meta") or {})
    meta.setdefault("version", f"{cfg.kind}-{file_digest(path)}")
    return SentimentClassifier(module, cfg, meta)
