"""Chinese comment sentiment: tokenise, models, training and prediction (pure: torch + jieba).

`load_classifier()` loads the committed default model; `SentimentClassifier.predict(texts)`
is the batch API. See MODEL.md beside this file for the data, the split and the metrics.
"""

from yinqing.sentiment.predict import (
    DEFAULT_MODEL_PATH,
    ModelLoadError,
    SentimentClassifier,
    load_classifier,
)

__all__ = ["DEFAULT_MODEL_PATH", "ModelLoadError", "SentimentClassifier", "load_classifier"]
