"""Development and test tools kept outside the `yinqing` package."""
