"""Defences applied to every request and response: security headers and a JSON body check."""

from __future__ import annotations

from apiflask import APIFlask
from flask import request

NETEASE_MEDIA = "https://*.music.126.net http://*.music.126.net"
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    # Only this server's own script files: no inline script, no eval.
    "script-src 'self'",
    # Style *attributes* must stay allowed: ECharts builds its tooltips as HTML strings with
    # style="…" and Element Plus renders style attributes; blocking them breaks the charts. They
    # cannot run script, and img-src / connect-src below limit what a style could load. <style>
    # elements and style files come from this server only (the SPA uses vue-echarts' CSP build, which
    # injects no <style>); browsers without CSP Level 3 fall back to the first line.
    "style-src 'self' 'unsafe-inline'",
    "style-src-elem 'self'",
    # Covers and artist photos come from NetEase's image hosts; charts export through data:/blob: URLs.
    f"img-src 'self' data: blob: {NETEASE_MEDIA}",
    # The play button streams NetEase's outer URL, which redirects to its media hosts.
    f"media-src 'self' https://music.163.com http://music.163.com {NETEASE_MEDIA}",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The app's own pages may see where a request came from; NetEase's hosts never do.
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response):
    """Set the security headers on every response (pages, API answers, errors, files)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def check_json_body() -> None:
    """Parse a JSON body once, up front, so a body too deeply nested for the parser is a 400 on every route.

    Flask's parser goes through the app's JSON provider, which turns the decoder's RecursionError into
    a 400; the parsed value is cached, and the views' schema parsing reads the same bytes afterwards."""
    if request.is_json and request.get_data(cache=True):
        request.get_json()


def init_hardening(app: APIFlask) -> None:
    app.before_request(check_json_body)
    app.after_request(add_security_headers)
