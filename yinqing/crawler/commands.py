"""`yinqing crawl ...`: crawl NetEase (or the local stand-in over a mirror folder) with a progress bar."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import click

from yinqing.config import Settings
from yinqing.crawler.run import mirror_dir, standin_process
from yinqing.crawler.settings import PLAYLIST_ORDERS, CrawlRequestError, CrawlSpec

FIRST_START_PLAYLISTS = 0          # mirror seed playlists in the slice crawled before serving
FIRST_START_COMMENT_PAGES = 10     # comment pages per song in that slice
FIRST_START_REST_COMMENT_PAGES = 100  # and in the background crawl of the whole mirror
FIRST_START_HOT_PLAYLISTS = 300    # without a mirror: hot playlists of the site's listing, in the background


def _options(f):
    """Options every crawl command takes."""
    for opt in reversed([
        click.option("--comment-pages", type=int, default=None, help="comment pages per song (default CRAWL_COMMENT_PAGES)"),
        click.option("--rate", type=float, default=None, help="requests per second to the host; 0 = unlimited (default CRAWL_RATE)"),
        click.option("--base-url", default=None, help="the site (default NETEASE_BASE_URL)"),
        click.option("--http-cache/--no-http-cache", default=False, help="keep raw answers to re-parse without re-fetching"),
        click.option("--follow-artists/--no-follow-artists", default=True, help="fetch artist detail of crawled songs"),
        click.option("--follow-albums/--no-follow-albums", default=True, help="fetch album detail of crawled songs"),
    ]):
        f = opt(f)
    return f


@click.group("crawl")
def crawl() -> None:
    """Crawl NetEase Cloud Music into the database (politely; resumable; idempotent)."""


def _run(mode: str, opts: dict, **spec_fields) -> None:
    settings = Settings.from_env()
    try:
        spec = CrawlSpec.from_settings(settings, mode, **_spec_options(opts), **spec_fields).validate()
    except CrawlRequestError as exc:
        raise click.UsageError(str(exc)) from exc
    _crawl_with_bar(spec, settings)


def _spec_options(opts: dict) -> dict:
    return {"comment_pages": opts.get("comment_pages"), "rate": opts.get("rate"), "base_url": opts.get("base_url"),
            "http_cache": opts.get("http_cache"), "follow_artists": opts.get("follow_artists"),
            "follow_albums": opts.get("follow_albums")}


def _crawl_with_bar(spec: CrawlSpec, settings: Settings, exit_on_failure: bool = True) -> dict:
    """Run the crawl here, drawing a progress bar; exit non-zero when it did not finish
    (unless `exit_on_failure` is False: the first start goes on to serve the app)."""
    from tqdm import tqdm

    from yinqing.crawler.run import exit_code, run_crawl
    from yinqing.migrate import upgrade

    upgrade(spec.database_url or settings.database_url)
    bar = tqdm(total=1, unit="req", desc=f"crawl {spec.mode}", dynamic_ncols=True)

    def progress(snap: dict) -> None:
        bar.total = max(snap["scheduled"], 1)
        bar.n = min(snap["requests"], bar.total)
        bar.set_postfix(items=snap["items"], refusals=snap["refusals"], refresh=False)
        bar.refresh()

    try:
        summary = run_crawl(spec, settings, progress=progress, log_level="WARNING")
    finally:
        bar.close()
    click.echo(_describe(summary))
    code = exit_code(summary)
    if code:
        click.echo(summary.get("message") or f"crawl stopped: {summary['finish_reason']}", err=True)
        if exit_on_failure:
            sys.exit(code)
    return summary


def _describe(summary: dict) -> str:
    written = ", ".join(f"{k} {v}" for k, v in sorted(summary["written"].items()) if k != "mark") or "nothing"
    problems = ", ".join(f"{k} {v}" for k, v in sorted(summary["problems"].items())) or "none"
    split = ", ".join(f"{k} {v}s" for k, v in sorted(summary["time"].items()))
    return (f"{summary['finish_reason']} in {summary['seconds']}s ({split}): {summary['requests']} requests "
            f"({summary['retries']} retries); written: {written}; problems: {problems}"
            + (" (resumed)" if summary.get("resumed") else ""))


@crawl.command("toplists")
@click.option("--id", "ids", type=int, multiple=True, help="chart ids (default 热歌榜 新歌榜 飙升榜 原创榜)")
@_options
def crawl_toplists(ids: tuple[int, ...], **opts) -> None:
    """The charts: the chart list, then each chart's songs."""
    _run("toplists", opts, ids=list(ids))


@crawl.command("playlist")
@click.argument("ids", nargs=-1, type=int, required=True)
@_options
def crawl_playlist(ids: tuple[int, ...], **opts) -> None:
    """Playlists by id, with every track."""
    _run("playlist", opts, ids=list(ids))


@crawl.command("playlists")
@click.option("--category", default="全部", show_default=True, help="the listing's category (华语, 流行, 欧美, …)")
@click.option("--order", type=click.Choice(PLAYLIST_ORDERS), default="hot", show_default=True,
              help="hot: most played first; new: newest first")
@click.option("--limit", type=int, default=100, show_default=True, help="playlists to crawl")
@_options
def crawl_playlists(category: str, order: str, limit: int, **opts) -> None:
    """Public playlists as the site lists them (by category, hot or new), with every track."""
    _run("playlists", opts, category=category, order=order, listing_limit=limit)


@crawl.command("artist")
@click.argument("ids", nargs=-1, type=int, required=True)
@_options
def crawl_artist(ids: tuple[int, ...], **opts) -> None:
    """Artists by id, with their hot songs."""
    _run("artist", opts, ids=list(ids))


@crawl.command("album")
@click.argument("ids", nargs=-1, type=int, required=True)
@_options
def crawl_album(ids: tuple[int, ...], **opts) -> None:
    """Albums by id, with their songs."""
    _run("album", opts, ids=list(ids))


@crawl.command("song")
@click.argument("ids", nargs=-1, type=int, required=True)
@_options
def crawl_song(ids: tuple[int, ...], **opts) -> None:
    """Songs by id."""
    _run("song", opts, ids=list(ids))


SEARCH_TYPES = {"songs": 1, "albums": 10, "artists": 100, "playlists": 1000}


@crawl.command("search")
@click.argument("keyword")
@click.option("--type", "kind", type=click.Choice(list(SEARCH_TYPES)), default="songs", show_default=True)
@click.option("--limit", type=int, default=30, show_default=True, help="hits to crawl (1-100)")
@_options
def crawl_search(keyword: str, kind: str, limit: int, **opts) -> None:
    """What a search finds."""
    _run("search", opts, keyword=keyword, search_type=SEARCH_TYPES[kind], search_limit=limit)


# --- the mirror ------------------------------------------------------------------------------

def _seeds(folder: Path) -> dict:
    path = folder / "seeds.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"playlists": [], "toplists": []}


def mirror_extra_songs(folder: Path) -> set[int]:
    """The songs the mirror holds comments or a lyric for."""
    wanted: set[int] = set()
    with (folder / "comments.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            found = re.match(r'\{"songId": (\d+)', line)
            if found:
                wanted.add(int(found.group(1)))
    if (folder / "lyrics.jsonl").exists():
        with (folder / "lyrics.jsonl").open(encoding="utf-8") as fh:
            wanted.update(json.loads(line).get("id") for line in fh if line.strip())
    return {i for i in wanted if i}


def commented_seed_playlists(folder: Path, seeds: list[int]) -> list[int]:
    """For each song the mirror holds comments or a lyric for, the smallest seed playlist that has it.

    The default first start crawls these besides the charts, so the comment analyses and the
    lyric views have data.
    """
    tracks: dict[int, set[int]] = {}
    seed_set = set(seeds)
    with (folder / "playlists.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            playlist = json.loads(line)
            if playlist["id"] in seed_set:
                tracks[playlist["id"]] = {t["id"] for t in playlist.get("trackIds") or []}
    chosen = []
    for song_id in sorted(mirror_extra_songs(folder)):
        holding = [p for p in seeds if song_id in tracks.get(p, ())]
        smallest = min(holding, key=lambda p: len(tracks[p]), default=None)
        if smallest is not None and smallest not in chosen:
            chosen.append(smallest)
    return chosen


@crawl.command("mirror")
@click.option("--playlists", type=int, default=FIRST_START_PLAYLISTS, show_default=True,
              help="seed playlists to crawl besides the charts and the playlists of commented songs")
@click.option("--comment-pages", type=int, default=None)
def crawl_mirror(playlists: int, comment_pages: int | None) -> None:
    """Crawl the stand-in over the mirror folder, from its seeds.json (the charts and playlists)."""
    settings = Settings.from_env()
    folder = mirror_dir(settings)
    if folder is None:
        raise click.UsageError("no mirror folder: set NETEASE_MIRROR_DIR or put one at ../shared/data/netease/mirror")
    _crawl_mirror(settings, folder, mirror_spec(settings, folder, playlists, comment_pages))


@crawl.command("mirror-all")
@click.option("--comment-pages", type=int, default=None)
def crawl_mirror_all(comment_pages: int | None) -> None:
    """Crawl every seed playlist of the mirror, with the lyrics and comments it holds."""
    settings = Settings.from_env()
    folder = mirror_dir(settings)
    if folder is None:
        raise click.UsageError("no mirror folder: set NETEASE_MIRROR_DIR or put one at ../shared/data/netease/mirror")
    _crawl_mirror(settings, folder, mirror_spec(settings, folder, -1, comment_pages))


def mirror_spec(settings: Settings, folder: Path, playlists: int, comment_pages: int | None,
                follow: bool = True) -> CrawlSpec:
    """The crawl of the mirror's charts and seed playlists (the stand-in's URL is set when it runs),
    with the lyrics and comments of the songs the mirror holds them for; `follow`: artist and album
    detail too."""
    seeds = _seeds(folder)
    if playlists < 0:
        chosen = seeds["playlists"]
    else:
        chosen = commented_seed_playlists(folder, seeds["playlists"]) + seeds["playlists"][:playlists]
    ids = list(dict.fromkeys(seeds["toplists"] + chosen))
    try:
        return CrawlSpec.from_settings(settings, "toplists", ids=ids, rate=0.0, source="mirror",
                                       comment_pages=comment_pages, follow_artists=follow, follow_albums=follow,
                                       extras_for=sorted(mirror_extra_songs(folder))).validate()
    except CrawlRequestError as exc:
        raise click.UsageError(str(exc)) from exc


def _crawl_mirror(settings: Settings, folder: Path, spec: CrawlSpec, exit_on_failure: bool = True) -> dict:
    click.echo(f"crawling the local stand-in over {folder}: {len(spec.ids)} playlists and charts")
    try:
        server = standin_process(folder)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    with server as url:
        spec.base_url = url
        return _crawl_with_bar(spec, settings, exit_on_failure)


@crawl.command("first-start")
@click.option("--playlists", type=int, default=FIRST_START_PLAYLISTS, show_default=True,
              help="mirror seed playlists to crawl before serving, besides the charts")
@click.option("--background/--no-background", default=True, show_default=True,
              help="queue the rest (every mirror playlist, or the site's hot playlists) as a background job")
def first_start(playlists: int, background: bool) -> None:
    """Fill an empty database: a first slice now (from the mirror via the stand-in if there is one,
    else the site's charts), the rest as a background job that `yinqing serve`'s worker runs.

    A no-op when the database holds songs, unless an earlier first start was interrupted: then it
    resumes (the slice here, the rest in the background). A crawl that does not finish is reported
    but does not fail the command (the app still starts).
    """
    from yinqing.migrate import upgrade

    settings = Settings.from_env()
    upgrade(settings.database_url)
    folder = mirror_dir(settings)
    first, rest = first_start_specs(settings, folder, playlists)
    songs, unfinished = _database_state(settings, first.run_key)
    if songs and not unfinished:
        click.echo(f"the database already holds {songs} songs: no first-start crawl")
    elif folder is not None:
        _crawl_mirror(settings, folder, first, exit_on_failure=False)
    else:
        click.echo(f"empty database: crawling the charts from {settings.netease_base_url}")
        _crawl_with_bar(spec=first, settings=settings, exit_on_failure=False)
    if background and (not songs or unfinished or _first_start_unfinished(settings)):
        _queue_rest(settings, rest)


def first_start_specs(settings: Settings, folder: Path | None, playlists: int) -> tuple[CrawlSpec, CrawlSpec]:
    """The slice crawled before the app is served, and the rest the background job crawls.

    With a mirror: its charts and the playlists of its commented songs, then every seed playlist
    with the comments the mirror holds. Without one: the site's charts, then its hot playlists
    through the listing, at the polite default rate.
    """
    if folder is not None:
        pages = None if os.environ.get("CRAWL_COMMENT_PAGES") else FIRST_START_COMMENT_PAGES
        rest_pages = None if os.environ.get("CRAWL_COMMENT_PAGES") else FIRST_START_REST_COMMENT_PAGES
        # The slice leaves artist and album detail to the background crawl: it is half its requests.
        rest = mirror_spec(settings, folder, -1, rest_pages)
        rest.stop_at_stored_comments = False  # page on past the slice's comments, to what the mirror holds
        return mirror_spec(settings, folder, playlists, pages, follow=False), rest
    charts = [int(x) for x in os.environ.get("CRAWL_TOPLISTS", "").replace(",", " ").split() if x.isdigit()]
    first = CrawlSpec.from_settings(settings, "toplists", ids=charts).validate()
    rest = CrawlSpec.from_settings(settings, "playlists", category="全部", order="hot",
                                   listing_limit=FIRST_START_HOT_PLAYLISTS).validate()
    return first, rest


def _queue_rest(settings: Settings, rest: CrawlSpec) -> None:
    from yinqing import jobs

    jobs.use_database(settings.database_url)
    rest.database_url = ""  # the worker reads DATABASE_URL itself; the queue never holds it
    job_id = jobs.queue_first_start(rest.to_json())
    if job_id is None:
        click.echo("the rest of the first start is already queued")
    else:
        click.echo(f"queued the rest of the first start as job {job_id}: "
                   f"{len(rest.ids) or rest.listing_limit} playlists, then comments, dashboard, recommenders "
                   "(run by `yinqing serve`'s worker; the home page shows its progress)")


def _first_start_unfinished(settings: Settings) -> bool:
    """Whether a first-start job was queued and has not finished (the server stopped before it did)."""
    from yinqing.db import make_engine, make_sessionmaker, session_scope
    from yinqing.services import jobs as job_records

    engine = make_engine(settings.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        job = job_records.latest_job(session, "first_start")
        unfinished = job is not None and job.status != "done"
    engine.dispose()
    return unfinished


def _database_state(settings: Settings, run_key: str) -> tuple[int, bool]:
    """Songs stored, and whether the crawl `run_key` started but did not finish."""
    from yinqing.crawler.state import RUN_UNIT
    from yinqing.db import make_engine, make_sessionmaker, session_scope
    from yinqing.services.ingest import catalogue_counts, crawl_units

    engine = make_engine(settings.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        songs = catalogue_counts(session)["songs"]
        units = crawl_units(session, run_key)
    engine.dispose()
    return songs, bool(units) and not units.get(RUN_UNIT, (False, None))[0]
