"""Training the sentiment models, pre-training character embeddings, self-training, metrics."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from yinqing.sentiment.models import ModelConfig, build_model, sparse_parameters
from yinqing.sentiment.predict import SentimentClassifier
from yinqing.sentiment.tokenize import has_content, hashed_chars, normalise

Progress = Callable[[str, float], None]


@dataclass
class TrainOptions:
    """Optimisation settings; defaults are the ones used for the shipped model."""

    epochs: int = 3
    batch_size: int = 128
    lr: float = 0.003
    seed: int = 13
    max_train_chars: int = 160
    extra: dict = field(default_factory=dict)


def _prepare(texts: Sequence[str], labels: Sequence[float], weights: Sequence[float] | None, max_chars: int):
    """Normalise, drop texts without content, cut long reviews for speed."""
    rows = []
    for i, (text, label) in enumerate(zip(texts, labels)):
        clean = normalise(text)[:max_chars]
        if has_content(clean):
            rows.append((clean, float(label), 1.0 if weights is None else float(weights[i])))
    return rows


def fit(cfg: ModelConfig, texts: Sequence[str], labels: Sequence[float], weights: Sequence[float] | None = None,
        opts: TrainOptions | None = None, init_embeddings: np.ndarray | None = None,
        progress: Progress | None = None) -> SentimentClassifier:
    """Train a fresh model of `cfg.kind` on texts with 0/1 (or soft) labels and optional weights."""
    opts = opts or TrainOptions()
    torch.manual_seed(opts.seed)
    rng = random.Random(opts.seed)
    rows = _prepare(texts, labels, weights, opts.max_train_chars)
    if not rows:
        raise ValueError("no usable training texts")
    module = build_model(cfg)
    if init_embeddings is not None and hasattr(module, "embed"):
        with torch.no_grad():
            module.embed.weight.copy_(torch.from_numpy(init_embeddings))
    # Sparse updates for the big tables: a step costs what the batch touches, not the table size.
    sparse = sparse_parameters(module)
    dense = [p for p in module.parameters() if all(p is not q for q in sparse)]
    optims = [torch.optim.SparseAdam(sparse, lr=opts.lr), torch.optim.Adam(dense, lr=opts.lr)]
    loss_fn = nn.BCEWithLogitsLoss(reduction="none")
    steps = opts.epochs * ((len(rows) + opts.batch_size - 1) // opts.batch_size)
    done = 0
    for _epoch in range(opts.epochs):
        module.train()
        rng.shuffle(rows)
        for start in range(0, len(rows), opts.batch_size):
            chunk = rows[start : start + opts.batch_size]
            batch = module.encode([r[0] for r in chunk])
            target = torch.tensor([r[1] for r in chunk])
            weight = torch.tensor([r[2] for r in chunk])
            loss = (loss_fn(module(batch), target) * weight).sum() / weight.sum()
            for optim in optims:
                optim.zero_grad()
            loss.backward()
            for optim in optims:
                optim.step()
            done += 1
            if progress and done % 50 == 0:
                progress(f"training {cfg.kind}", done / steps)
    module.eval()
    return SentimentClassifier(module, cfg, {})


def char_embeddings(texts: Sequence[str], cfg: ModelConfig, window: int = 2, min_count: int = 5,
                    seed: int = 13) -> np.ndarray:
    """Character vectors from unlabelled text: SVD of the positive PMI co-occurrence matrix.

    The rows are indexed by the same hashed character ids the char models use; characters
    seen fewer than `min_count` times keep a small random vector.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import svds

    seqs = [np.asarray(hashed_chars(normalise(t)[: cfg.max_len], cfg.char_buckets), dtype=np.int64)
            for t in texts]
    seqs = [s for s in seqs if len(s) > 1]
    flat = np.concatenate([np.append(s, 0) for s in seqs])  # 0 separates texts
    counts = np.bincount(flat, minlength=cfg.char_buckets)
    rows, cols = [], []
    for d in range(1, window + 1):
        a, b = flat[:-d], flat[d:]
        ok = (a != 0) & (b != 0)
        rows += [a[ok], b[ok]]
        cols += [b[ok], a[ok]]
    n = cfg.char_buckets
    co = coo_matrix((np.ones(sum(len(r) for r in rows)), (np.concatenate(rows), np.concatenate(cols))),
                    shape=(n, n)).tocsr()
    co.sum_duplicates()
    total = co.sum()
    row_sum = np.asarray(co.sum(axis=1)).ravel()
    co = co.tocoo()
    # context distribution smoothing (alpha 0.75) as in Levy et al. 2015
    ctx = row_sum ** 0.75
    pmi = np.log(co.data * ctx.sum() / (row_sum[co.row] * ctx[co.col]))
    keep = (pmi > 0) & (counts[co.row] >= min_count) & (counts[co.col] >= min_count)
    ppmi = coo_matrix((pmi[keep], (co.row[keep], co.col[keep])), shape=(n, n)).tocsr()
    u, s, _vt = svds(ppmi, k=cfg.embed_dim, random_state=seed)
    vectors = u * np.sqrt(s)
    vectors *= 1.0 / (vectors[counts >= min_count].std() + 1e-8)  # same scale as N(0, 1) init
    rng = np.random.default_rng(seed)
    rare = counts < min_count
    vectors[rare] = rng.normal(0, 1, size=(rare.sum(), cfg.embed_dim))
    vectors[0] = 0.0
    del total
    return vectors.astype(np.float32)


def pseudo_label(clf: SentimentClassifier, texts: Sequence[str], per_class: int,
                 threshold: float = 0.9) -> tuple[list[str], list[float]]:
    """The `per_class` most confident positive and negative texts (self-training examples)."""
    clean = [normalise(t) for t in texts]
    clean = [t for t in clean if has_content(t)]
    probs = np.asarray(clf.probabilities(clean))
    order = np.argsort(probs)
    neg = [i for i in order[:per_class] if probs[i] < 1 - threshold]
    pos = [i for i in order[::-1][:per_class] if probs[i] > threshold]
    return [clean[i] for i in neg + pos], [0.0] * len(neg) + [1.0] * len(pos)


def binary_metrics(probs: Sequence[float], labels: Sequence[int]) -> dict:
    """Accuracy, macro-F1 and the confusion matrix (rows: true 0/1, columns: predicted 0/1)."""
    pred = [1 if p > 0.5 else 0 for p in probs]
    return classification_metrics(pred, list(labels), classes=[0, 1])


def classification_metrics(pred: Sequence, true: Sequence, classes: Sequence) -> dict:
    """Accuracy, macro-F1 and the confusion matrix over the given classes."""
    index = {c: i for i, c in enumerate(classes)}
    matrix = [[0] * len(classes) for _ in classes]
    for t, p in zip(true, pred):
        matrix[index[t]][index[p]] += 1
    n = sum(map(sum, matrix))
    f1s = []
    for i in range(len(classes)):
        tp = matrix[i][i]
        fp = sum(matrix[r][i] for r in range(len(classes))) - tp
        fn = sum(matrix[i]) - tp
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {
        "n": n,
        "accuracy": round(sum(matrix[i][i] for i in range(len(classes))) / n, 4) if n else 0.0,
        "macro_f1": round(sum(f1s) / len(f1s), 4),
        "classes": list(classes),
        "confusion": matrix,
    }


def ngram_matrix(module: nn.Module, texts: Sequence[str]):
    """The linear model's input as a sparse matrix (texts x buckets): the scaled gram counts."""
    from scipy.sparse import csr_matrix

    batch = module.encode(list(texts))
    indptr = np.append(batch["offsets"].numpy(), len(batch["ids"]))
    matrix = csr_matrix((batch["scale"].numpy().astype(np.float64), batch["ids"].numpy(), indptr),
                        shape=(len(texts), module.cfg.ngram_buckets))
    matrix.sum_duplicates()
    return matrix


def solve_softmax(x, labels: np.ndarray, weights: np.ndarray, classes: int, l2: float,
                  max_iter: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression on a sparse matrix by full-batch L-BFGS.

    Minimises the weighted mean cross-entropy + l2/2 * |W|^2 (the bias is not penalised).
    Deterministic; only the columns that occur are optimised (the others stay 0).
    Returns (W: columns x classes, bias).
    """
    from scipy.optimize import minimize
    from scipy.sparse import csr_matrix

    used, cols = np.unique(x.indices, return_inverse=True)
    x = csr_matrix((x.data, cols, x.indptr), shape=(x.shape[0], len(used)))
    x_t = x.T.tocsr()
    k = classes
    y = np.zeros((x.shape[0], k))
    y[np.arange(x.shape[0]), labels] = 1.0
    w = np.asarray(weights, dtype=np.float64) / np.sum(weights)

    def loss_and_grad(theta: np.ndarray):
        weight, bias = theta[:-k].reshape(-1, k), theta[-k:]
        z = x @ weight + bias
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -(w * (y * log_p).sum(axis=1)).sum() + 0.5 * l2 * (weight ** 2).sum()
        g = (np.exp(log_p) - y) * w[:, None]
        return loss, np.concatenate([(x_t @ g + l2 * weight).ravel(), g.sum(axis=0)])

    theta = minimize(loss_and_grad, np.zeros(len(used) * k + k), jac=True, method="L-BFGS-B",
                     options={"maxiter": max_iter, "gtol": 1e-7}).x
    full = np.zeros((int(used.max()) + 1 if len(used) else 0, k))
    full[used] = theta[:-k].reshape(-1, k)
    return full, theta[-k:]


def fit_multinomial(cfg: ModelConfig, texts: Sequence[str], labels: Sequence[int],
                    weights: Sequence[float] | None = None, l2: float = 1e-5, max_iter: int = 500,
                    max_chars: int = 160) -> SentimentClassifier:
    """A linear model of `cfg.classes` classes (labels 0..classes-1) fitted by `solve_softmax`."""
    rows = _prepare(texts, labels, weights, max_chars)
    if not rows:
        raise ValueError("no usable training texts")
    module = build_model(cfg)
    x = ngram_matrix(module, [r[0] for r in rows])
    weight, bias = solve_softmax(x, np.array([int(r[1]) for r in rows]), np.array([r[2] for r in rows]),
                                 cfg.classes, l2, max_iter)
    with torch.no_grad():
        module.weights.weight[: len(weight)] = torch.from_numpy(weight).float()
        module.bias.copy_(torch.from_numpy(bias).float())
    module.eval()
    return SentimentClassifier(module, cfg, {})
