"""What a crawl run already did (read from the database), so a restarted run skips it."""

from __future__ import annotations

from calendar import timegm

from yinqing.db import make_engine, make_sessionmaker, session_scope
from yinqing.services import ingest

RUN_UNIT = "run"


class CrawlState:
    """The units of one run: loaded once at start; a finished run is forgotten (a new crawl)."""

    def __init__(self, database_url: str, run_key: str) -> None:
        self.run_key = run_key
        self.engine = make_engine(database_url)
        self.factory = make_sessionmaker(self.engine)
        with session_scope(self.factory) as session:
            units = ingest.crawl_units(session, run_key)
            if units.get(RUN_UNIT, (False, None))[0]:
                ingest.forget_run(session, run_key)
                units = {}
        self.resumed = bool(units)
        self.units = units

    def done(self, unit: str) -> bool:
        """Whether the unit's results are already stored by this run."""
        return self.units.get(unit, (False, None))[0]

    def cursor(self, unit: str) -> dict | None:
        """The saved cursor of an unfinished unit (comment paging)."""
        return self.units.get(unit, (False, None))[1]

    def newest_comment_ms(self, song_ids: list[int]) -> dict[int, int]:
        """Per song, the newest stored latest-list comment time in epoch ms (for incremental crawls)."""
        if not song_ids:
            return {}
        with session_scope(self.factory) as session:
            times = ingest.newest_comment_times(session, song_ids)
        return {sid: timegm(t.timetuple()) * 1000 + t.microsecond // 1000 for sid, t in times.items() if t}

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()
