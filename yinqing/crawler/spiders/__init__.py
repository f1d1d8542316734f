"""The NetEase spiders."""
