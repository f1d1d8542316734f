"""Huey background tasks: crawl, train and analyse run here, never inside a web request.

The queue is SQLite in the instance folder by default and Redis when REDIS_URL is set. Every task
is a thin wrapper: `run_job(job_id, work)` marks the Job row running, passes `work` a progress
callback, and records done/failed. Start a consumer with `yinqing worker` (`yinqing serve` starts
one beside the web server).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from huey import RedisHuey, SqliteHuey, crontab

from yinqing.config import Settings
from yinqing.db import make_engine, make_sessionmaker, session_scope
from yinqing.services import jobs as job_records
from yinqing.services.errors import Conflict

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


def make_huey(settings: Settings):
    """The task queue for these settings."""
    if settings.redis_url:
        return RedisHuey("yinqing", url=settings.redis_url)
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("yinqing", filename=str(settings.instance_dir / "huey.db"))


_settings = Settings.from_env()
huey = make_huey(_settings)
_factory = None


def sessions():
    """The worker's sessionmaker (created lazily so importing this module opens no connection)."""
    global _factory
    if _factory is None:
        _factory = make_sessionmaker(make_engine(Settings.from_env().database_url))
    return _factory


def use_database(url: str) -> None:
    """Point the tasks at another database (tests, or a worker started for another DATABASE_URL)."""
    global _factory
    _factory = make_sessionmaker(make_engine(url))


def run_job(job_id: int, work: Callable[[Progress], dict | None]) -> dict | None:
    """Run `work(progress)` for the Job row `job_id`, recording its status, progress and result."""
    factory = sessions()
    with session_scope(factory) as s:
        job_records.mark_running(job_records.get_job(s, job_id))

    def progress(fraction: float, message: str = "") -> None:
        with session_scope(factory) as s2:
            job_records.mark_progress(job_records.get_job(s2, job_id), fraction, message)

    try:
        result = work(progress)
    except Exception as exc:  # the job fails, the worker lives on
        log.exception("job %s failed", job_id)
        with session_scope(factory) as s:
            job_records.mark_failed(job_records.get_job(s, job_id), f"失败 / failed: {exc}")
        return None
    with session_scope(factory) as s:
        job_records.mark_done(job_records.get_job(s, job_id), result)
    return result


# ---------------------------------------------------------------- sentiment (analyse comments)

def analyse_comments(progress: Progress, batch_size: int = 1000, classifier=None) -> dict:
    """Label every pending comment with the sentiment model, one committed batch at a time."""
    from yinqing.sentiment import load_classifier
    from yinqing.services import sentiment

    clf = classifier or load_classifier()
    factory = sessions()
    with session_scope(factory) as s:
        total = sentiment.count_pending(s, clf.version)
    done = 0
    while True:
        with session_scope(factory) as s:
            labelled = sentiment.label_comment_batch(s, clf, batch_size)
        if not labelled:
            break
        done += labelled
        progress(min(done / max(total, 1), 1.0), f"已标注 {done}/{total} 条评论 / labelled")
    return {"labelled": done, "model": clf.version}


@huey.task()
def analyse_comments_task(job_id: int, batch_size: int = 1000) -> dict | None:
    """Background job (kind "analyse"): label unlabelled comments, then refresh the dashboard;
    queued after each crawl that wrote comments."""
    return run_job(job_id, lambda progress: {**analyse_comments(progress, batch_size),
                                             "stats": refresh_dashboard()})


def enqueue_analyse_comments(user_id: int | None = None, batch_size: int = 1000) -> int:
    """Create an "analyse" Job row and queue the task; returns the job id."""
    with session_scope(sessions()) as s:
        job = job_records.create_job(s, "analyse", {"batch_size": batch_size}, user_id)
        s.flush()
        job_id = job.id
    analyse_comments_task(job_id, batch_size)
    return job_id


# ---------------------------------------------------------------- crawl (NetEase)

def crawl(spec_json: str, job_id: int) -> dict:
    """Run a crawl in a subprocess (the Twisted reactor never lives in the worker); it records
    its own progress on the Job row. Raises when it did not finish, so the job is marked failed."""
    from yinqing.crawler.run import mirror_dir, run_in_subprocess, standin_process
    from yinqing.crawler.settings import CrawlSpec

    spec = CrawlSpec.from_json(spec_json)
    spec.job_id = job_id
    if spec.source == "mirror":
        folder = mirror_dir(Settings.from_env())
        if folder is None:
            raise RuntimeError("no mirror folder (NETEASE_MIRROR_DIR or ../shared/data/netease/mirror)")
        with standin_process(folder) as url:
            spec.base_url, spec.rate = url, 0.0
            code, summary = run_in_subprocess(spec)
    else:
        code, summary = run_in_subprocess(spec)
    if code != 0:
        raise RuntimeError(summary.get("message") or f"crawl stopped: {summary.get('finish_reason')}")
    return summary


@huey.task()
def crawl_task(job_id: int, spec_json: str) -> dict | None:
    """Background job (kind "crawl"): crawl NetEase, then refresh the dashboard — through the
    comment sentiment analysis when the crawl wrote comments (it refreshes when it is done)."""

    def work(progress: Progress) -> dict:
        summary = crawl(spec_json, job_id)
        if not summary.get("written", {}).get("comment"):
            summary["stats"] = refresh_dashboard()
        return summary

    result = run_job(job_id, work)
    if result and result.get("written", {}).get("comment"):
        enqueue_analyse_comments()
    return result


def refresh_dashboard() -> dict:
    """Rebuild the dashboard's precomputed tables after new data or new labels."""
    from yinqing.services.stats import refresh_stats

    with session_scope(sessions()) as s:
        return refresh_stats(s, Settings.from_env().shared_data_dir / "stopwords")



# ---------------------------------------------------------------- first start (the rest, after the slice)

# Shares of the first-start job's progress bar: crawl, analyse, stats, train.
FIRST_START_SPANS = {"crawl": (0.0, 0.7), "analyse": (0.7, 0.8), "stats": (0.8, 0.85), "train": (0.85, 1.0)}
FIRST_START_STEPS = {"crawl": "抓取全部歌单 / crawling every playlist", "analyse": "评论情感标注 / labelling comments",
                     "stats": "刷新数据大屏 / refreshing the dashboard", "train": "训练推荐模型 / training recommenders"}


def _span(progress: Progress, step: str) -> Progress:
    """A progress callback for one step, filling that step's share of the job's bar; the message
    names the step ("中文 / English", the detail in Chinese only)."""
    low, high = FIRST_START_SPANS[step]
    chinese, english = FIRST_START_STEPS[step].split(" / ")

    def report(fraction: float, message: str = "") -> None:
        detail = message.split(" / ")[0]
        progress(low + (high - low) * fraction, f"{chinese}{f'（{detail}）' if detail else ''} / {english}")

    return report


def first_start(spec_json: str, job_id: int, progress: Progress) -> dict:
    """The rest of the first start: crawl everything (resuming an interrupted run), label the
    comments, refresh the dashboard, retrain the recommenders on it all; seconds per step."""
    import json
    import time

    from yinqing.services.errors import ServiceError

    spec = json.loads(spec_json) | {"progress_span": FIRST_START_SPANS["crawl"]}
    seconds, result = {}, {}
    started = time.monotonic()
    _span(progress, "crawl")(0.0)
    result["crawl"] = crawl(json.dumps(spec), job_id)
    seconds["crawl"] = round(time.monotonic() - started, 1)
    # The evaluation (模型评估) follows as a job of its own: the first start is done once every
    # recommender serves what it learned from everything.
    for step, work in (("analyse", lambda p: analyse_comments(p)), ("stats", lambda p: refresh_dashboard()),
                       ("train", lambda p: train_recommenders(p, evaluate=False))):
        started = time.monotonic()
        _span(progress, step)(0.0)
        try:
            result[step] = work(_span(progress, step))
        except ServiceError as exc:  # e.g. nothing to train on: the first start still ends
            result[step] = {"skipped": exc.message}
        seconds[step] = round(time.monotonic() - started, 1)
    with session_scope(sessions()) as s:
        evaluation_job = job_records.create_job(s, "evaluate", {"after": "first_start"}).id
    evaluate_recommenders_task(evaluation_job)
    return {**result, "seconds": seconds}


@huey.task()
def first_start_task(job_id: int, spec_json: str) -> dict | None:
    """Background job (kind "first_start"), queued by `yinqing bootstrap` after the first slice."""
    return run_job(job_id, lambda progress: first_start(spec_json, job_id, progress))


def queue_first_start(spec_json: str) -> int | None:
    """Queue the rest of the first start, or re-queue an interrupted one (its crawl resumes).

    Returns the job id; None when one is already waiting in the queue.
    """
    with session_scope(sessions()) as s:
        job = job_records.latest_job(s, "first_start")
        if job is not None and job.status in ("queued", "running") and _is_pending(job.id):
            return None
        if job is None or job.status in ("done", "failed"):
            job = job_records.create_job(s, "first_start", _shown(spec_json))
        else:
            job.status, job.message = "queued", "排队中（继续上次的首次启动）/ queued (resuming)"
        s.flush()
        job_id = job.id
    first_start_task(job_id, spec_json)
    return job_id


def _shown(spec_json: str) -> dict:
    """What the Job row keeps of the crawl (never the database URL)."""
    import json

    spec = json.loads(spec_json)
    return {"mode": spec["mode"], "source": spec["source"], "playlists": len(spec["ids"]) or spec["listing_limit"]}


def _is_pending(job_id: int) -> bool:
    """Whether a first-start task for this job waits in the queue (not lost with a killed worker)."""
    return any(getattr(t, "name", "") == "first_start_task" and t.args and t.args[0] == job_id
               for t in huey.pending())


# ---------------------------------------------------------------- recommenders (GRU retraining)

def train_recommenders(progress: Progress, epochs: int | None = None, evaluate: bool = True) -> dict:
    """Train the GRU on the database and publish a new model version (the API keeps serving
    the previous version until the switch), then refresh the stored evaluation (模型评估)."""
    from yinqing.services import recommend

    share = 0.6 if evaluate else 1.0
    with session_scope(sessions()) as s:
        result = recommend.train_models(s, Settings.from_env().model_dir / "recsys",
                                        lambda f, m="": progress(share * f, m), epochs)
    if evaluate:
        result.update(evaluate_recommenders(lambda f, m="": progress(0.6 + 0.4 * f, m)))
    return result


def evaluate_recommenders(progress: Progress) -> dict:
    """Evaluate the app's recommenders on its data and store the table (模型评估)."""
    from yinqing.services import model_quality
    from yinqing.services.errors import ServiceError

    try:
        with session_scope(sessions()) as s:
            return {"evaluated_at": model_quality.evaluate_app_models(s, progress)["computed_at"]}
    except ServiceError as exc:  # too little data to hold a test split out: the model still serves
        return {"evaluation": exc.message}


@huey.task()
def evaluate_recommenders_task(job_id: int) -> dict | None:
    """Background job (kind "evaluate"), queued when the first start is done."""
    return run_job(job_id, evaluate_recommenders)


@huey.task()
def train_recommenders_task(job_id: int, epochs: int | None = None) -> dict | None:
    """Background job (kind "train", model "recsys")."""
    return run_job(job_id, lambda progress: train_recommenders(progress, epochs))


def enqueue_train_recommenders(user_id: int | None = None, epochs: int | None = None) -> int | None:
    """Create a "train" Job (model "recsys") and queue it; None when one is already queued or running."""
    try:
        with session_scope(sessions()) as s:
            job_id = job_records.create_job(s, "train", {"model": "recsys", "epochs": epochs}, user_id).id
    except Conflict:
        return None
    train_recommenders_task(job_id, epochs)
    return job_id


@huey.periodic_task(crontab(minute="*/10"))
def retrain_recommenders_when_due() -> None:
    """Every 10 minutes: retrain the GRU when enough new feedback arrived (or no model exists)."""
    from yinqing.services import recommend

    with session_scope(sessions()) as s:
        due = recommend.needs_retraining(s, Settings.from_env().model_dir / "recsys")
    if due:
        enqueue_train_recommenders()
