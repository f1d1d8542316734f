"""Flask app serving the NetEase web-API routes from a mirror folder, with optional faults."""

from __future__ import annotations

import json
import random
import socket
import time
from collections import Counter
from typing import Any

from flask import Flask, Response, current_app, g, request

from tools.netease_standin.faults import FaultInjector, mangle
from tools.netease_standin.mirror import Mirror, public

COMMENT_PAGE_MAX = 100
SONG_DETAIL_MAX = 1000
HOT_COMMENTS_SHOWN = 15
LISTING_PAGE_MAX = 100
LISTING_ORDERS = ("hot", "new")
SEARCH_TYPES = {1: "songs", 10: "albums", 100: "artists", 1000: "playlists"}


def create_app(mirror: Mirror, faults: FaultInjector | None = None) -> Flask:
    """The stand-in app over one loaded mirror. `faults` may be changed while it runs."""
    app = Flask(__name__)
    app.config["MIRROR"] = mirror
    app.config["FAULTS"] = faults or FaultInjector()
    app.config["BODY_RNG"] = random.Random(7)
    app.config["HITS"] = Counter()  # requests per route, for tests and the benchmark
    app.config["RECORD"] = None     # a list to append every request's path and query to (benchmark)
    app.before_request(_before)
    app.after_request(_after)
    _register_routes(app)
    return app


def answer(body: dict[str, Any], status: int = 200) -> Response:
    """A JSON answer the way NetEase sends it (UTF-8, not ASCII-escaped)."""
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), status=status,
                    mimetype="application/json")


def _mirror() -> Mirror:
    return current_app.config["MIRROR"]


def _int_arg(name: str, default: int | None = None) -> int | None:
    raw = request.values.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        return None


def _bad_request(message: str = "参数错误") -> Response:
    return answer({"code": 400, "msg": message, "message": message})


def _not_found(message: str = "资源不存在") -> Response:
    return answer({"code": 404, "msg": message, "message": message})


# --- fault hooks -------------------------------------------------------------------------------

def _before() -> Response | None:
    if request.path.startswith("/__"):
        return None
    current_app.config["HITS"][request.url_rule.rule if request.url_rule else "unknown"] += 1
    if current_app.config["RECORD"] is not None:
        current_app.config["RECORD"].append(request.full_path)
    rule = current_app.config["FAULTS"].pick(request.path, request.url)
    g.fault = rule
    if rule is None:
        return None
    kind = rule.kind
    if kind == "slow":
        time.sleep(rule.delay)
    elif kind.startswith("http"):
        return Response("<html><body>refused</body></html>", status=int(kind[4:]), mimetype="text/html")
    elif kind.startswith("code"):
        code = int(kind[4:])
        msg = "Cheating" if code == -460 else "操作频繁，请稍候再试"
        return answer({"code": code, "msg": msg, "message": msg})
    elif kind == "drop":
        _drop_connection()
        return Response("", status=500)
    return None


def _drop_connection() -> None:
    """Close the client's socket without a single byte of answer."""
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _after(response: Response) -> Response:
    rule = getattr(g, "fault", None)
    if rule is None or response.mimetype != "application/json":
        return response
    body = response.get_data()
    if rule.kind == "truncate":
        response.set_data(body[: max(1, len(body) // 2)])
    elif rule.kind == "malformed":
        response.set_data(b"{'code': 200, " + body[1:40] + b" <html>")
    elif rule.kind == "huge":
        data = json.loads(body)
        data["padding"] = "x" * (10 * 1024 * 1024)
        response.set_data(json.dumps(data, ensure_ascii=False).encode())
    elif rule.kind == "mangle":
        data = mangle(json.loads(body), current_app.config["BODY_RNG"])
        response.set_data(json.dumps(data, ensure_ascii=False).encode())
    elif rule.kind == "empty":
        data = {k: ([] if isinstance(v, list) else v) for k, v in json.loads(body).items()}
        response.set_data(json.dumps(data, ensure_ascii=False).encode())
    return response


# --- routes ------------------------------------------------------------------------------------

def _register_routes(app: Flask) -> None:
    methods = ["GET", "POST"]
    app.add_url_rule("/api/toplist", view_func=toplist, methods=methods)
    app.add_url_rule("/api/playlist/list", view_func=playlist_list, methods=methods)
    app.add_url_rule("/api/v6/playlist/detail", view_func=playlist_detail, methods=methods)
    app.add_url_rule("/api/v3/song/detail", view_func=song_detail, methods=methods)
    app.add_url_rule("/api/song/lyric", view_func=lyric, methods=methods)
    app.add_url_rule("/api/v1/resource/comments/<thread>", view_func=comments, methods=methods)
    app.add_url_rule("/api/artist/<int:artist_id>", view_func=artist_detail, methods=methods)
    app.add_url_rule("/api/v1/album/<int:album_id>", view_func=album_detail, methods=methods)
    app.add_url_rule("/api/search/get/web", view_func=search, methods=methods)
    app.add_url_rule("/__faults", view_func=fault_control, methods=methods)
    app.add_url_rule("/__health", view_func=health)


def toplist() -> Response:
    """`/api/toplist`: the genuine toplist-list body."""
    return answer(_mirror().toplists)


def playlist_list() -> Response:
    """`/api/playlist/list?cat=&order=hot|new&offset=&limit=&total=true`: the playlists the mirror
    knows the tracks of, by tag (全部 = all), most played (hot) or newest (new) first."""
    cat = request.values.get("cat") or "全部"
    order = request.values.get("order") or "hot"
    limit, offset = _int_arg("limit", 50), _int_arg("offset", 0)
    if order not in LISTING_ORDERS or limit is None or offset is None or limit < 1 or offset < 0:
        return _bad_request()
    ranked = _mirror().listing(cat, order)
    page = [public(p) for p in ranked[offset:offset + min(limit, LISTING_PAGE_MAX)]]
    for playlist in page:
        playlist.pop("trackIds", None)
    return answer({"playlists": page, "total": len(ranked), "code": 200,
                   "more": offset + len(page) < len(ranked), "cat": cat})


def playlist_detail() -> Response:
    """`/api/v6/playlist/detail?id=&n=`: complete trackIds, the first `n` tracks, their privileges."""
    pid, n = _int_arg("id"), _int_arg("n", 1000)
    if pid is None or n is None or n < 0:
        return _bad_request()
    mirror = _mirror()
    stored = mirror.playlists.get(pid)
    if stored is None:
        return _not_found("歌单不存在")
    playlist = public(stored)
    tracks = []
    if "trackIds" in stored:
        playlist["trackIds"] = [{"id": t["id"], "v": t.get("v", 0), "t": 0, "at": 0, "alg": t.get("alg")}
                                for t in stored["trackIds"]]
        songs = (mirror.song(t["id"]) for t in stored["trackIds"][:n])
        tracks = [s for s in songs if s is not None]
    playlist["tracks"] = tracks
    privileges = [mirror.privileges[s["id"]] for s in tracks if s["id"] in mirror.privileges]
    return answer({"code": 200, "relatedVideos": None, "playlist": playlist, "urls": None,
                   "privileges": privileges})


def song_detail() -> Response:
    """`/api/v3/song/detail?c=[{"id":..},..]`: unknown ids are left out, like the real site."""
    try:
        wanted = [int(x["id"]) for x in json.loads(request.values.get("c", ""))]
    except (ValueError, TypeError, KeyError):
        return _bad_request()
    if len(wanted) > SONG_DETAIL_MAX:
        return _bad_request("too many ids")
    mirror = _mirror()
    songs = [s for s in (mirror.song(i) for i in wanted) if s is not None]
    privileges = [mirror.privileges[s["id"]] for s in songs if s["id"] in mirror.privileges]
    return answer({"songs": songs, "privileges": privileges, "code": 200})


def lyric() -> Response:
    """`/api/song/lyric?id=`: the stored body, or the site's empty answer when none is known."""
    sid = _int_arg("id")
    if sid is None:
        return _bad_request()
    stored = _mirror().lyrics.get(sid)
    if stored is None:
        return answer({"sgc": True, "sfy": False, "qfy": False, "needDesc": True, "code": 200,
                       "briefDesc": None})
    body = {k: v for k, v in stored.items() if k != "id"}
    body["code"] = 200
    return answer(body)


def comments(thread: str) -> Response:
    """`/api/v1/resource/comments/R_SO_4_{id}?limit=&offset=&before=`: newest first, hot on page 1."""
    if not thread.startswith("R_SO_4_") or not thread[7:].isdigit():
        return _bad_request("resource not supported")
    limit, offset, before = _int_arg("limit", 20), _int_arg("offset", 0), _int_arg("before", 0)
    if limit is None or offset is None or before is None or limit < 0 or offset < 0:
        return _bad_request()
    limit = min(limit, COMMENT_PAGE_MAX)
    hot, latest = _mirror().comments.get(int(thread[7:]), ([], []))
    pool = [c for c in latest if (c.get("time") or 0) < before] if before else latest
    rule = getattr(g, "fault", None)
    start = max(0, offset - 5) if rule is not None and rule.kind == "overlap" and offset else offset
    page = pool[start:start + limit]
    body: dict[str, Any] = {"isMusician": False, "userId": -1, "topComments": [], "code": 200,
                            "comments": page, "total": len(latest) + len(hot),
                            "more": start + limit < len(pool)}
    if offset == 0 and not before:
        body["hotComments"] = hot[:HOT_COMMENTS_SHOWN]
        body["moreHot"] = len(hot) > HOT_COMMENTS_SHOWN
    return answer(body)


def artist_detail(artist_id: int) -> Response:
    """`/api/artist/{id}`: the artist and its hot songs."""
    mirror = _mirror()
    stored = mirror.artists.get(artist_id)
    if stored is None:
        return _not_found("艺人不存在")
    hot = [s for s in (mirror.song(i) for i in mirror.artist_songs.get(artist_id, [])) if s]
    return answer({"artist": public(stored), "hotSongs": hot, "more": False, "code": 200})


def album_detail(album_id: int) -> Response:
    """`/api/v1/album/{id}`: the album and its songs."""
    mirror = _mirror()
    stored = mirror.albums.get(album_id)
    if stored is None:
        return _not_found("专辑不存在")
    songs = [s for s in (mirror.song(i) for i in mirror.album_songs.get(album_id, [])) if s]
    album = public(stored)
    album.pop("songs", None)
    return answer({"resourceState": True, "songs": songs, "code": 200, "album": album})


def search() -> Response:
    """`/api/search/get/web?s=&type=&limit=&offset=`: name contains the keyword, most popular first."""
    keyword = (request.values.get("s") or "").strip().lower()
    kind, limit, offset = _int_arg("type", 1), _int_arg("limit", 30), _int_arg("offset", 0)
    if not keyword or kind not in SEARCH_TYPES or not limit or limit < 0 or offset is None or offset < 0:
        return _bad_request()
    key = SEARCH_TYPES[kind]
    pool = {"songs": _mirror().songs, "albums": _mirror().albums, "artists": _mirror().artists,
            "playlists": _mirror().playlists}[key]
    hits = [o for o in pool.values() if keyword in str(o.get("name") or "").lower()]
    hits.sort(key=lambda o: (-(o.get("pop") or o.get("playCount") or 0), o["id"]))
    count_key = {"songs": "songCount", "albums": "albumCount", "artists": "artistCount",
                 "playlists": "playlistCount"}[key]
    page = [public(o) for o in hits[offset:offset + limit]]
    return answer({"result": {key: page, count_key: len(hits)}, "code": 200})


def fault_control() -> Response:
    """Test control: GET shows the fault rules and counters, POST replaces them."""
    injector: FaultInjector = current_app.config["FAULTS"]
    if request.method == "POST":
        try:
            rules, seed = FaultInjector.parse(request.get_json(force=True) or {})
        except (TypeError, ValueError) as exc:
            return answer({"code": 400, "message": str(exc)}, status=400)
        injector.configure(rules, seed)
        current_app.config["HITS"].clear()
    return answer({**injector.state(), "hits": dict(current_app.config["HITS"])})


def health() -> Response:
    """Liveness and the mirror's counts."""
    return answer({"code": 200, "counts": _mirror().counts()})
