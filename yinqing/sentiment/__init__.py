"""Chinese comment sentiment: tokenise, models, training and prediction (pure: torch + jieba).

`load_classifier()` loads the committed default model; `SentimentClassifier.predict(texts)`
is the batch API. See MODEL.md beside this file for the data, the split and the metrics.
The names below are imported on first use, so the command line starts without loading torch.
"""

from __future__ import annotations

__all__ = ["DEFAULT_MODEL_PATH", "ModelLoadError", "SentimentClassifier", "load_classifier"]


def __getattr__(name: str):
    if name in __all__:
        from yinqing.sentiment import predict

        return getattr(predict, name)
    raise AttributeError(name)
