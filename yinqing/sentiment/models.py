"""The neural network modules and the encoders that turn normalised texts into tensors.

Three kinds of model share one interface (`encode(texts) -> batch`, `forward(batch) -> logits`):

* ``linear``: logistic regression on hashed character 1-3-grams (one weight per bucket);
* ``cnn``: a character CNN (kernels 2, 3, 4; max-over-time pooling), the neural model;
* ``bigru``: a bidirectional GRU over characters with max pooling, a second neural model.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn

from yinqing.sentiment.tokenize import hashed_chars, hashed_ngrams, hashed_word_grams

KINDS = ("linear", "cnn", "bigru")
# Output order of a three-class model.
CLASSES = ("negative", "neutral", "positive")


@dataclass
class ModelConfig:
    """Hyper-parameters stored with a model so it can be rebuilt for loading."""

    kind: str = "linear"
    ngram_buckets: int = 1 << 19
    char_buckets: int = 1 << 14
    embed_dim: int = 64
    channels: int = 96
    hidden: int = 64
    max_len: int = 160
    dropout: float = 0.3
    # linear only: add jieba word uni/bigrams (negations joined) to the character n-grams
    word_ngrams: bool = False
    # linear only: 1 = one logit (P(positive), neutral by a band); 3 = softmax over CLASSES
    classes: int = 1

    def to_dict(self) -> dict:
        """Plain dict for the model file."""
        return asdict(self)


class LinearNgram(nn.Module):
    """Logistic regression over hashed character n-grams (optionally also jieba word n-grams),
    counts scaled by 1/sqrt(number of grams); binary (one logit) or multinomial (`cfg.classes`)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.weights = nn.EmbeddingBag(cfg.ngram_buckets, cfg.classes, mode="sum", sparse=True)
        nn.init.zeros_(self.weights.weight)
        self.bias = nn.Parameter(torch.zeros(cfg.classes))

    def encode(self, texts: list[str]) -> dict:
        """Flattened n-gram ids with offsets and per-gram weights."""
        ids, offsets, scale = [], [], []
        for text in texts:
            grams = hashed_ngrams(text, self.cfg.ngram_buckets)
            if self.cfg.word_ngrams:
                grams += hashed_word_grams(text, self.cfg.ngram_buckets)
            offsets.append(len(ids))
            ids.extend(grams)
            scale.extend([1.0 / math.sqrt(len(grams))] * len(grams))
        return {
            "ids": torch.tensor(ids, dtype=torch.long),
            "offsets": torch.tensor(offsets, dtype=torch.long),
            "scale": torch.tensor(scale, dtype=torch.float32),
        }

    def forward(self, batch: dict) -> torch.Tensor:
        """Logit of the positive class for each text (binary), or one row of logits per text."""
        out = self.weights(batch["ids"], batch["offsets"], per_sample_weights=batch["scale"]) + self.bias
        return out.squeeze(1) if self.cfg.classes == 1 else out


def _char_batch(texts: list[str], cfg: ModelConfig) -> dict:
    """Right-padded character bucket ids, cut to `max_len` characters."""
    seqs = [hashed_chars(t[: cfg.max_len], cfg.char_buckets) or [0] for t in texts]
    width = max(len(s) for s in seqs)
    ids = torch.zeros((len(seqs), max(width, 4)), dtype=torch.long)
    for row, seq in enumerate(seqs):
        ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
    return {"ids": ids}


class CharCNN(nn.Module):
    """Character embeddings, three convolution widths, max-over-time pooling, one logit."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.char_buckets, cfg.embed_dim, padding_idx=0, sparse=True)
        self.convs = nn.ModuleList(nn.Conv1d(cfg.embed_dim, cfg.channels, k, padding=k // 2) for k in (2, 3, 4))
        self.drop = nn.Dropout(cfg.dropout)
        self.out = nn.Linear(3 * cfg.channels, 1)

    def encode(self, texts: list[str]) -> dict:
        """Padded character ids."""
        return _char_batch(texts, self.cfg)

    def forward(self, batch: dict) -> torch.Tensor:
        """Logit of the positive class for each text."""
        ids = batch["ids"]
        mask = (ids != 0).unsqueeze(1)
        x = self.embed(ids).transpose(1, 2)
        pooled = []
        for conv in self.convs:
            h = torch.relu(conv(x))[:, :, : ids.shape[1]]
            pooled.append(h.masked_fill(~mask, 0.0).amax(dim=2))
        return self.out(self.drop(torch.cat(pooled, dim=1))).squeeze(1)


class CharBiGRU(nn.Module):
    """Character embeddings, a one-layer bidirectional GRU, max pooling, one logit."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.char_buckets, cfg.embed_dim, padding_idx=0, sparse=True)
        self.gru = nn.GRU(cfg.embed_dim, cfg.hidden, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(cfg.dropout)
        self.out = nn.Linear(2 * cfg.hidden, 1)

    def encode(self, texts: list[str]) -> dict:
        """Padded character ids."""
        return _char_batch(texts, self.cfg)

    def forward(self, batch: dict) -> torch.Tensor:
        """Logit of the positive class for each text."""
        ids = batch["ids"]
        h, _ = self.gru(self.embed(ids))
        h = h.masked_fill((ids == 0).unsqueeze(2), -1e4)
        return self.out(self.drop(h.amax(dim=1))).squeeze(1)


def sparse_parameters(module: nn.Module) -> list[nn.Parameter]:
    """The large lookup tables, trained with a sparse optimiser (only the rows a batch uses)."""
    table = getattr(module, "weights", None) or getattr(module, "embed", None)
    return [table.weight]


def build_model(cfg: ModelConfig) -> nn.Module:
    """A fresh, untrained module of the configured kind."""
    if cfg.kind == "linear":
        return LinearNgram(cfg)
    if cfg.kind == "cnn":
        return CharCNN(cfg)
    if cfg.kind == "bigru":
        return CharBiGRU(cfg)
    raise ValueError(f"unknown model kind {cfg.kind!r}; expected one of {KINDS}")
