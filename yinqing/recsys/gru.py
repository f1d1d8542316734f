"""GRU4Rec (Hidasi et al. 2016/2018) in PyTorch: a GRU over the listening history scores the
whole catalogue for the next song.

Training follows the official GRU4Rec recipe: session-parallel mini-batches (each of the
``batch_size`` slots walks through one sequence; when it ends, the slot's hidden state is reset
and the next sequence starts), and a sampled loss where the mini-batch's own targets plus
``n_sample`` extra items drawn from popularity**``sample_alpha`` are the negatives, shared by
the whole mini-batch. Cross-entropy over that sampled set, or BPR-max. The input and output
item embeddings are shared ("constrained embedding"), kept as sparse tensors so a step only
touches the rows it uses: that is what makes a step cheap on a 2-core CPU.

Side information (``features``): a song's vector is its id embedding plus one embedding per
catalogue field it has (its artist, its album, a tag, ...), in the spirit of the feature-rich
GRU4Rec variants (Hidasi et al. 2016, "Parallel recurrent neural network architectures for
feature-rich session-based recommendations"), here summed into the one shared table. A song
heard once shares its artist's and album's rows with every other song of theirs, so the GRU
can place it; a song never heard in training (its id row stays zero) is still ranked through
them. The fields come with the data (``TrainData.item_features``); songs without a value use
a fixed zero row.

Scoring can mix in the listener's own recent songs (``repeat``, see ``score``): Last.fm users
replay songs, and a GRU trained on sessions ranks them too low. It can also mix in a
sequential-rules prior (``rules``): the songs that followed the context's last songs in
training, counted exactly. On NetEase playlists, where most songs are rare, those exact
successions are what an embedding learns worst (README, "Recommender evaluation").

Defaults (tuned on the 30Music validation split, README "Recommender evaluation"): 100 units,
256 parallel sequences, 128 shared samples (fewer than 512 or 2,048 scored as well or better and
cost less), hidden-state dropout 0.3, 5 epochs of Adagrad at 0.1, repeat mixture 0.2. On this
CPU a step costs about the same for 64 or 256 slots, so larger batches amortise the per-step work.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
import torch
from torch import nn

from yinqing.recsys.baselines import SequentialRules
from yinqing.recsys.data import TrainData
from yinqing.recsys.knn import context_matrix

Progress = Callable[[int, int, float, float], None]
# The sequential-rules prior: successors within 10 steps (weight 1/distance) of the last 3 songs
# (weights 1, 0.5, 0.25): the settings SR itself was tuned to on the playlists and 30Music.
RULES = {"window": 10, "n_last": 3, "decay": 0.5}


class _Net(nn.Module):
    """Item table ``emb`` (+ ``bias``) shared by input and output, one table per side-information
    field (``field_<name>``, last row the fixed zero row for "no value") with each item's row
    in ``code_<name>``, and one GRU cell.

    The tables are plain tensors, not parameters: training gathers the rows a step uses
    into small leaf tensors and applies the Adagrad update to those rows only.
    """

    def __init__(self, n_items: int, hidden: int, dropout_emb: float, dropout_hidden: float,
                 field_sizes: dict[str, int] | None = None) -> None:
        super().__init__()
        bound = float(np.sqrt(6.0 / (n_items + hidden)))
        self.register_buffer("emb", torch.empty(n_items, hidden).uniform_(-bound, bound))
        self.register_buffer("bias", torch.zeros(n_items))
        self.fields = list(field_sizes or {})
        for name, size in (field_sizes or {}).items():
            table = torch.empty(size + 1, hidden).uniform_(-bound, bound)
            table[size] = 0.0
            self.register_buffer(f"field_{name}", table)
            self.register_buffer(f"code_{name}", torch.full((n_items,), size, dtype=torch.long))
        self.cell = nn.GRUCell(hidden, hidden)
        self.drop_emb = nn.Dropout(dropout_emb)
        self.drop_hidden = nn.Dropout(dropout_hidden)
        self.items: torch.Tensor = self.emb  # the summed table, see ``fuse``

    def fuse(self) -> None:
        """The table used for scoring: each item's id row plus its fields' rows (after training
        or loading; training itself sums only the rows a step uses)."""
        table = self.emb.clone() if self.fields else self.emb
        for name in self.fields:
            table += getattr(self, f"field_{name}").index_select(0, getattr(self, f"code_{name}"))
        self.items = table

    def step(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """One GRU step on already-embedded inputs."""
        return self.cell(self.drop_emb(x), h)

    def all_scores(self, h: torch.Tensor) -> torch.Tensor:
        return h @ self.items.T + self.bias


def _bpr_max(logits: torch.Tensor, bpreg: float) -> torch.Tensor:
    """BPR-max: softmax-weighted BPR against the negatives plus a score regulariser."""
    n = logits.shape[0]
    pos = logits[torch.arange(n), torch.arange(n)].unsqueeze(1)
    eye = torch.zeros_like(logits, dtype=torch.bool)
    eye[torch.arange(n), torch.arange(n)] = True
    weights = torch.softmax(logits.masked_fill(eye, float("-inf")), dim=1)
    ranking = (weights * torch.sigmoid(pos - logits)).sum(1)
    reg = (weights * logits.pow(2)).sum(1)
    return (-torch.log(ranking + 1e-24) + bpreg * reg).mean()


@contextmanager
def _one_thread() -> Iterator[None]:
    """Run torch on one thread: the matrices are small, and on a busy 2-core CPU a second
    OpenMP thread spin-waits more than it computes (measured: 25x slower per step)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


class GRU4Rec:
    """The session-based GRU recommender (see the module docstring)."""

    name = "GRU4Rec"

    def __init__(
        self,
        hidden: int = 100,
        loss: str = "ce",
        n_sample: int = 128,
        sample_alpha: float = 0.5,
        batch_size: int = 256,
        lr: float = 0.1,
        epochs: int = 5,
        dropout_emb: float = 0.0,
        dropout_hidden: float = 0.3,
        history: int = 20,
        train_on: str = "sessions",
        bpreg: float = 1.0,
        logq: float = 0.0,
        repeat: float = 0.2,
        repeat_decay: float = 0.97,
        features: Sequence[str] = (),
        rules: float = 0.0,
        seed: int = 0,
    ) -> None:
        if loss not in ("ce", "bpr-max"):
            raise ValueError("loss must be 'ce' or 'bpr-max'")
        self.hidden, self.loss, self.n_sample, self.sample_alpha = hidden, loss, n_sample, sample_alpha
        self.batch_size, self.lr, self.epochs = batch_size, lr, epochs
        self.dropout_emb, self.dropout_hidden, self.history = dropout_emb, dropout_hidden, history
        self.train_on, self.bpreg, self.logq, self.seed = train_on, bpreg, logq, seed
        self.repeat, self.repeat_decay = repeat, repeat_decay
        self.features = list(features)
        self.rules = rules
        self._successors: sp.csr_matrix | None = None
        self.field_sizes: dict[str, int] = {}
        self.net: _Net | None = None
        self.n_items = 0
        self.events_per_second = 0.0

    # -- training -----------------------------------------------------------------------
    def fit(self, data: TrainData, progress: Progress | None = None) -> GRU4Rec:
        """Train from scratch on the data's sequences (``train_on``: "sessions" or "users")."""
        with _one_thread():
            return self._fit(data, progress)

    def _fit(self, data: TrainData, progress: Progress | None) -> GRU4Rec:
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        self.n_items = data.n_items
        codes = self._field_codes(data)
        self.field_sizes = {name: int(c.max()) + 1 if len(c) else 0 for name, c in codes.items()}
        self.net = _Net(self.n_items, self.hidden, self.dropout_emb, self.dropout_hidden, self.field_sizes)
        for name, c in codes.items():
            getattr(self.net, f"code_{name}")[:] = torch.from_numpy(np.where(c >= 0, c, self.field_sizes[name]))
        seqs = data.sequences if self.train_on == "sessions" else data.user_sequences()
        seqs = [s for s in seqs if len(s) >= 2]
        sample_p = np.power(data.item_pop + 1e-9, self.sample_alpha)
        sample_p /= sample_p.sum()
        self._log_sample_p = torch.from_numpy(np.log(sample_p).astype(np.float32))
        self._sample_cdf = np.cumsum(sample_p)
        self._cache, self._cache_pos = np.zeros(0, dtype=np.int64), 0
        opt = torch.optim.Adagrad(self.net.parameters(), lr=self.lr)
        self._emb_sq = torch.zeros(self.n_items, self.hidden)  # Adagrad accumulators of the table
        self._bias_sq = torch.zeros(self.n_items)
        self._field_sq = {name: torch.zeros(size + 1, self.hidden) for name, size in self.field_sizes.items()}
        self.net.train()
        for epoch in range(self.epochs):
            started = time.perf_counter()
            loss, n_events = self._epoch(seqs, opt, rng)
            self.events_per_second = n_events / max(time.perf_counter() - started, 1e-9)
            if progress:
                progress(epoch + 1, self.epochs, loss, self.events_per_second)
        self._successors = SequentialRules(**RULES).fit(data).rules
        if self.field_sizes:  # a song never heard keeps only what its fields say, not its random start
            self.net.emb[torch.from_numpy(data.item_pop == 0)] = 0.0
        self.net.eval()
        self.net.fuse()
        return self

    def _field_codes(self, data: TrainData) -> dict[str, np.ndarray]:
        """Each requested field's value per item (-1: none), from the data."""
        given = data.item_features or {}
        missing = [name for name in self.features if name not in given]
        if missing:
            raise ValueError(f"the training data has no item feature(s) {missing}")
        return {name: np.asarray(given[name], dtype=np.int64) for name in self.features}

    def _epoch(self, seqs: list[np.ndarray], opt: torch.optim.Optimizer, rng: np.random.Generator) -> tuple[float, int]:
        order = rng.permutation(len(seqs))
        items = np.concatenate([seqs[i] for i in order]) if len(order) else np.zeros(0, dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum([len(seqs[i]) for i in order])])
        n_slots = min(self.batch_size, len(order))
        if n_slots == 0:
            return 0.0, 0
        slot_seq = np.arange(n_slots)
        pos = offsets[slot_seq].copy()
        next_seq = n_slots
        h = torch.zeros(n_slots, self.hidden)
        total, steps, n_events = 0.0, 0, 0
        while True:
            h, loss = self._train_step(items[pos], items[pos + 1], h, opt, rng)
            total, steps, n_events = total + loss, steps + 1, n_events + len(pos)
            pos += 1
            finished = np.flatnonzero(pos + 1 >= offsets[slot_seq + 1])
            if len(finished):
                if next_seq + len(finished) > len(order):
                    break  # like the official code: stop when a slot can no longer be refilled
                slot_seq[finished] = np.arange(next_seq, next_seq + len(finished))
                next_seq += len(finished)
                pos[finished] = offsets[slot_seq[finished]]
                h[torch.from_numpy(finished)] = 0.0
        return total / max(steps, 1), n_events

    def _train_step(
        self, inp: np.ndarray, out: np.ndarray, h: torch.Tensor, opt: torch.optim.Optimizer, rng: np.random.Generator
    ) -> tuple[torch.Tensor, float]:
        """One session-parallel step: forward, sampled loss, backward, sparse Adagrad on used rows."""
        negatives = self._negatives(rng)
        used, local = np.unique(np.concatenate([inp, out, negatives]), return_inverse=True)
        rows = torch.from_numpy(used)
        # index_select/index_add_ rather than fancy indexing: measured 4x faster on this CPU.
        ids = self.net.emb.index_select(0, rows).requires_grad_()
        bias = self.net.bias.index_select(0, rows).requires_grad_()
        updates = [(self.net.emb, self._emb_sq, rows, ids), (self.net.bias, self._bias_sq, rows, bias)]
        table = ids
        for name in self.net.fields:
            values, which = torch.unique(getattr(self.net, f"code_{name}").index_select(0, rows), return_inverse=True)
            store = getattr(self.net, f"field_{name}")
            part = store.index_select(0, values).requires_grad_()
            table = table + part.index_select(0, which)
            updates.append((store, self._field_sq[name], values, part))
        local = torch.from_numpy(local)
        n_in, n_out = len(inp), len(out)
        h = self.net.step(table.index_select(0, local[:n_in]), h)
        cand = local[n_in:]
        logits = self.net.drop_hidden(h) @ table.index_select(0, cand).T + bias.index_select(0, cand)
        if self.logq > 0:
            cand_items = torch.from_numpy(np.concatenate([out, negatives]))
            logits = logits - self.logq * self._log_sample_p[cand_items]
        if self.loss == "bpr-max":
            loss = _bpr_max(logits, self.bpreg)
        else:
            loss = nn.functional.cross_entropy(logits, torch.arange(n_out))
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            for store, acc, where, param in updates:
                acc.index_add_(0, where, param.grad.pow(2))
                step = param.grad / acc.index_select(0, where).sqrt_().add_(1e-6)
                store.index_add_(0, where, step, alpha=-self.lr)
            for name, size in self.field_sizes.items():
                getattr(self.net, f"field_{name}")[size] = 0.0  # "no value" stays the zero row
        return h.detach(), float(loss.detach())

    def _negatives(self, rng: np.random.Generator) -> np.ndarray:
        """``n_sample`` popularity-weighted items, from a cache drawn 1M at a time (as the
        official code does: one big draw is far cheaper than one per step)."""
        if self.n_sample <= 0:
            return np.zeros(0, dtype=np.int64)
        if self._cache_pos + self.n_sample > len(self._cache):
            size = max(1_000_000 // self.n_sample, 1) * self.n_sample
            draws = np.searchsorted(self._sample_cdf, rng.random(size) * self._sample_cdf[-1])
            self._cache, self._cache_pos = np.minimum(draws, self.n_items - 1), 0
        out = self._cache[self._cache_pos : self._cache_pos + self.n_sample]
        self._cache_pos += self.n_sample
        return out

    # -- inference ----------------------------------------------------------------------
    @torch.no_grad()
    def hidden_states(self, contexts: Sequence[np.ndarray]) -> torch.Tensor:
        """The GRU state after reading each context's last ``history`` known items."""
        recent = [np.asarray(c, dtype=np.int64) for c in contexts]
        recent = [c[(c >= 0) & (c < self.n_items)][-self.history :] for c in recent]
        length = max((len(c) for c in recent), default=0)
        padded = np.zeros((len(recent), length), dtype=np.int64)
        valid = np.zeros((len(recent), length), dtype=bool)
        for r, c in enumerate(recent):
            if len(c):  # right-aligned: every row ends on its newest item
                padded[r, length - len(c) :] = c
                valid[r, length - len(c) :] = True
        h = torch.zeros(len(recent), self.hidden)
        for t in range(length):
            mask = torch.from_numpy(valid[:, t]).unsqueeze(1)
            x = self.net.items.index_select(0, torch.from_numpy(padded[:, t]))
            h = torch.where(mask, self.net.step(x, h), h)
        return h

    @torch.no_grad()
    def top_items(self, context: np.ndarray, n: int) -> np.ndarray:
        """The ``n`` best items for one context (item indexes, oldest first), best first: the
        ranking of ``score``, for one request.

        ``score`` reads the whole float32 item table (100k songs x 100 = 40 MB, 7-15 ms of memory
        traffic on this CPU). Here a bfloat16 copy (half the bytes, oneDNN kernels) picks
        ``2n + 200`` candidates, plus the context's own songs, and only those are scored exactly in
        float32; the order differs only if rounding (~0.4 % per weight) moved an item across that
        margin. With ``repeat`` the softmax normaliser also comes from the bfloat16 pass.
        """
        if not self._bf16_pays():
            scores = self.score([context])[0]
            best = np.argpartition(-scores, min(n, len(scores)) - 1)[:n]
            return best[np.argsort(-scores[best], kind="stable")]
        with _one_thread():
            h = self.hidden_states([context])
            rough = nn.functional.linear(h.bfloat16(), self._bf16).float()[0] + self.net.bias
            own = np.asarray(context, dtype=np.int64)
            own = torch.from_numpy(own[(own >= 0) & (own < self.n_items)])
            prior = self._rules_prior([context])
            width = min(2 * n + 200, self.n_items)
            # The strongest followers join the candidates (a context can have thousands; beyond the
            # best `width` by the prior only a GRU score in the rough top could lift one, and then
            # it is a candidate anyway). Every candidate gets its full prior below.
            best = np.argpartition(-prior.data, width - 1)[:width] if prior.nnz > width else slice(None)
            followers = torch.from_numpy(prior.indices[best].astype(np.int64))
            top = torch.topk(rough, width).indices
            candidates = torch.unique(torch.cat([top, own, followers]))
            exact = self.net.items.index_select(0, candidates) @ h[0] + self.net.bias.index_select(0, candidates)
            if self.repeat > 0 or prior.nnz:  # score's mixture, on the candidates only
                weight = self.rules if prior.nnz else 0.0
                exact = (exact - torch.logsumexp(rough, 0)).exp_().mul_(1.0 - self.repeat - weight)
                if self.repeat > 0:
                    exact += self._repeat_share([context])[0].index_select(0, candidates)
                if prior.nnz:
                    dense = torch.zeros(self.n_items)
                    dense[torch.from_numpy(prior.indices.astype(np.int64))] = torch.from_numpy(prior.data.astype(np.float32))
                    exact += dense.index_select(0, candidates)
            return candidates[torch.argsort(exact, descending=True, stable=True)[:n]].numpy()

    def _bf16_pays(self) -> bool:
        """Make the bfloat16 table once per trained table; use it only where it is the faster."""
        if getattr(self, "_bf16_of", None) is not self.net.items:
            self._bf16_of, self._bf16 = self.net.items, self.net.items.bfloat16()
            h = torch.zeros(1, self.hidden)
            with _one_thread():
                self._bf16_faster = _fastest(lambda: nn.functional.linear(h.bfloat16(), self._bf16)) < _fastest(
                    lambda: nn.functional.linear(h, self.net.items))
        return self._bf16_faster

    @torch.no_grad()
    def score(self, contexts: Sequence[np.ndarray]) -> np.ndarray:
        """Scores over the whole catalogue, one row per context (item indexes, oldest first).

        With ``repeat`` or ``rules`` > 0 the score is the mixture ``(1 - repeat - rules) *
        softmax(GRU) + repeat * r + rules * s``, where ``r`` spreads over the songs of the context
        with weight ``repeat_decay**age`` (age 0 = newest: people replay what they listened to),
        and ``s`` is the sequential-rules score of the context normalised to sum 1 (a context
        whose last songs had no successors in training gives its share back to the GRU).
        """
        with _one_thread():
            logits = self.net.all_scores(self.hidden_states(contexts))
            if self.repeat <= 0 and self.rules <= 0:
                return logits.numpy()
            prior = torch.from_numpy(self._rules_prior(contexts).toarray())
            weight = torch.where(prior.sum(1, keepdim=True) > 0, self.rules, 0.0)
            mixed = torch.softmax(logits, dim=1).mul_(1.0 - self.repeat - weight).add_(prior)
            if self.repeat > 0:
                mixed.add_(self._repeat_share(contexts))
            return mixed.numpy()

    def _rules_prior(self, contexts: Sequence[np.ndarray]) -> sp.csr_matrix:
        """``rules`` times each context's sequential-rules scores normalised to sum 1 (rows of
        zeros where the rules know no successor, or ``rules`` is 0)."""
        if self.rules <= 0 or self._successors is None:
            return sp.csr_matrix((len(contexts), self.n_items), dtype=np.float32)
        q = context_matrix(contexts, self.n_items, RULES["n_last"], RULES["decay"])
        scores = (q @ self._successors).tocsr().astype(np.float32)
        sums = np.asarray(scores.sum(axis=1)).ravel()
        scale = np.divide(self.rules, sums, out=np.zeros_like(sums), where=sums > 0)
        return sp.csr_matrix(sp.diags(scale) @ scores)

    def _repeat_share(self, contexts: Sequence[np.ndarray]) -> torch.Tensor:
        """``repeat`` times each context's recency-weighted distribution over its own songs."""
        share = torch.zeros(len(contexts), self.n_items)
        for r, ctx in enumerate(contexts):
            c = np.asarray(ctx, dtype=np.int64)
            c = c[(c >= 0) & (c < self.n_items)]
            if len(c):
                w = torch.from_numpy(self.repeat_decay ** np.arange(len(c))[::-1].astype(np.float32))
                share[r].index_add_(0, torch.from_numpy(c), w * (self.repeat / float(w.sum())))
        return share

    # -- persistence --------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The trained model (weights and settings) as bytes."""
        buf = io.BytesIO()
        params = {k: v for k, v in vars(self).items() if not k.startswith("_") and k != "net"}
        saved = {"params": params, "state": self.net.state_dict()}
        if self.rules > 0 and self._successors is not None:  # the prior's counts travel with the model
            m = self._successors
            saved["rules"] = [torch.from_numpy(a) for a in (m.indptr.astype(np.int64), m.indices.astype(np.int64), m.data)]
        torch.save(saved, buf)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> GRU4Rec:
        """Load a model written by ``to_bytes``."""
        saved = torch.load(io.BytesIO(blob), weights_only=True)
        params = saved["params"]
        model = cls(**{k: params[k] for k in _INIT_ARGS if k in params})
        model.n_items = params["n_items"]
        model.events_per_second = params.get("events_per_second", 0.0)
        model.field_sizes = dict(params.get("field_sizes", {}))
        model.net = _Net(model.n_items, model.hidden, model.dropout_emb, model.dropout_hidden, model.field_sizes)
        model.net.load_state_dict(saved["state"])
        model.net.eval()
        model.net.fuse()
        if "rules" in saved:
            indptr, indices, data = (t.numpy() for t in saved["rules"])
            model._successors = sp.csr_matrix((data, indices, indptr), shape=(model.n_items, model.n_items))
        return model


def _fastest(run: Callable[[], object], repeat: int = 5) -> float:
    """The best of ``repeat`` timings of ``run`` after a warm-up call, in CPU seconds of this
    thread (wall time would mostly measure the other processes on a busy machine)."""
    run()
    times = []
    for _ in range(repeat):
        started = time.thread_time()
        run()
        times.append(time.thread_time() - started)
    return min(times)


_INIT_ARGS = (
    "hidden", "loss", "n_sample", "sample_alpha", "batch_size", "lr", "epochs", "dropout_emb",
    "dropout_hidden", "history", "train_on", "bpreg", "logq", "repeat", "repeat_decay", "features", "rules", "seed",
)
