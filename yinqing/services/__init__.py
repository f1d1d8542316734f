"""The domain: functions fn(session, ...) -> result. They never commit and never import Flask."""
