"""Recommenders: ItemKNN/UserKNN, GRU4Rec, baselines and their evaluation (pure NumPy/SciPy/PyTorch)."""
