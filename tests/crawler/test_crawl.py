"""Crawls against the stand-in, in a subprocess, with the database checked after each."""

from __future__ import annotations

from sqlalchemy import select

from tests.crawler.crawler_helpers import assert_consistent, comment_keys, count, is_full, stored_comment_keys
from yinqing.models import Album, Artist, Comment, Lyric, Playlist, PlaylistTrack, Song

LYRIC_PLAYLIST = 605415618   # old-route playlist whose tracks carry lyrics in the mirror
GENUINE_PLAYLIST = 84687600  # genuine v6 playlist detail


def track_ids(mirror, pid):
    return [t["id"] for t in mirror.playlists[pid]["trackIds"]]


def test_playlist_crawl_stores_everything_the_mirror_holds_and_twice_adds_nothing(
        crawl, standin, mirror, session, db_url):
    # Following every artist and album is the slow part: done on SQLite, the writes it makes are
    # the same kinds the other backends get from the tracks.
    follow = db_url.startswith("sqlite")
    code, summary = crawl(standin, "playlist", ids=[GENUINE_PLAYLIST], follow_artists=follow, follow_albums=follow,
                          playlist_tracks=50)
    assert code == 0, summary
    tracks = track_ids(mirror, GENUINE_PLAYLIST)
    assert [t.song_id for t in session.get(Playlist, GENUINE_PLAYLIST).tracks] == tracks
    # Tracks were truncated at n=50: the other 67 came through song detail, in batches of at most 100.
    assert standin.hits["/api/v3/song/detail"] == 1
    for sid in tracks:
        song, known = session.get(Song, sid), mirror.song(sid)
        assert song.name == known.get("name") and song.is_partial == (not is_full(known))
        if is_full(known):
            assert song.fee == known.get("fee") and song.raw["id"] == sid
            assert [a.artist_id for a in song.song_artists] == list(dict.fromkeys(a["id"] for a in known["ar"] if a["id"]))
            assert song.album_id == known["al"]["id"]
    artist_ids = {a["id"] for s in map(mirror.song, tracks) for a in s.get("ar") or [] if a.get("id")}
    assert {a for (a,) in session.execute(select(Artist.id).where(Artist.id.in_(artist_ids)))} == artist_ids
    detailed = artist_ids & set(mirror.artists) if follow else set()
    assert count(session, Artist, Artist.id.in_(detailed), Artist.raw.is_not(None)) == len(detailed)
    album_ids = {s["al"]["id"] for s in map(mirror.song, tracks) if (s.get("al") or {}).get("id")}
    assert count(session, Album, Album.id.in_(album_ids), Album.raw.is_not(None)) == (
        len(album_ids & set(mirror.albums)) if follow else 0)
    assert_consistent(session)

    before = {m.__name__: count(session, m) for m in (Song, Artist, Album, Playlist, PlaylistTrack, Comment, Lyric)}
    mirror.playlists[GENUINE_PLAYLIST]["playCount"] += 7
    try:
        code, summary = crawl(standin, "playlist", ids=[GENUINE_PLAYLIST], follow_artists=follow,
                              follow_albums=follow, playlist_tracks=50)
    finally:
        mirror.playlists[GENUINE_PLAYLIST]["playCount"] -= 7
    assert code == 0 and not summary["resumed"]
    session.expire_all()
    assert {m.__name__: count(session, m) for m in (Song, Artist, Album, Playlist, PlaylistTrack, Comment, Lyric)} == before
    assert session.get(Playlist, GENUINE_PLAYLIST).play_count == mirror.playlists[GENUINE_PLAYLIST]["playCount"] + 7


def test_lyrics_and_comments_with_deep_paging(crawl, standin, mirror, session):
    songs = [186016, 447926067, 1842728629]
    code, summary = crawl(standin, "song", ids=songs, comment_pages=4, comment_page_size=20, deep_offset=40)
    assert code == 0, summary
    assert standin.hits["/api/v1/resource/comments/<thread>"] == 1 + 4 + 4  # 186016 has one page only
    for sid in songs:
        assert stored_comment_keys(session, sid) == comment_keys(mirror, sid, slice(0, 80))
    hot = session.scalars(select(Comment).where(Comment.song_id == 186016, Comment.is_hot.is_(True))).all()
    assert len(hot) == len(mirror.comments[186016][0])

    code, summary = crawl(standin, "playlist", ids=[LYRIC_PLAYLIST], comment_pages=0)
    assert code == 0, summary
    expected = set(track_ids(mirror, LYRIC_PLAYLIST)) & set(mirror.lyrics)
    assert expected and {s for (s,) in session.execute(select(Lyric.song_id))} == expected
    for sid in expected:
        assert session.get(Lyric, sid).lrc == mirror.lyrics[sid]["lrc"]["lyric"]
    assert_consistent(session)


def test_incremental_comment_crawl_fetches_only_newer_comments(crawl, standin, mirror, session):
    sid = 1842728629
    hot, latest = mirror.comments[sid]
    mirror.comments[sid] = (hot, latest[30:])  # the 30 newest comments "are not written yet"
    try:
        code, _ = crawl(standin, "song", ids=[sid], comment_pages=2, comment_page_size=20)
    finally:
        mirror.comments[sid] = (hot, latest)
    assert code == 0 and stored_comment_keys(session, sid) == comment_keys(mirror, sid, slice(30, 70))
    standin.set_faults([])
    code, summary = crawl(standin, "song", ids=[sid], comment_pages=10, comment_page_size=20)
    assert code == 0, summary
    # Page 1 (0-20) is all new, page 2 (20-40) reaches stored comments: the crawl stops there.
    assert standin.hits["/api/v1/resource/comments/<thread>"] == 2
    assert stored_comment_keys(session, sid) == comment_keys(mirror, sid, slice(0, 70))
    # The first start's background crawl pages on past the stored comments.
    standin.set_faults([])
    code, summary = crawl(standin, "song", ids=[sid], comment_pages=5, comment_page_size=20,
                          stop_at_stored_comments=False)
    assert code == 0, summary
    assert standin.hits["/api/v1/resource/comments/<thread>"] == 5
    assert stored_comment_keys(session, sid) == comment_keys(mirror, sid, slice(0, 100))


def test_toplists_artist_album_and_search_routes(crawl, standin, mirror, session):
    code, summary = crawl(standin, "toplists", ids=[2884035], comment_pages=0)
    assert code == 0, summary
    charts = {t["id"] for t in mirror.toplists["list"]}
    assert count(session, Playlist, Playlist.is_toplist.is_(True)) == len(charts)
    assert count(session, PlaylistTrack, PlaylistTrack.playlist_id == 2884035) == len(track_ids(mirror, 2884035))

    song = mirror.song(track_ids(mirror, GENUINE_PLAYLIST)[0])
    artist_id, album_id = song["ar"][0]["id"], song["al"]["id"]
    code, summary = crawl(standin, "artist", ids=[artist_id], comment_pages=0)
    assert code == 0, summary
    hot_songs = mirror.artist_songs[artist_id]
    assert count(session, Song, Song.id.in_(hot_songs)) == len(hot_songs)
    assert count(session, Lyric) == len(set(hot_songs) & set(mirror.lyrics))
    assert session.get(Artist, artist_id).raw is not None

    code, summary = crawl(standin, "album", ids=[album_id], comment_pages=0)
    assert code == 0, summary
    assert session.get(Album, album_id).raw is not None
    assert count(session, Song, Song.album_id == album_id) >= len(mirror.album_songs[album_id])

    code, summary = crawl(standin, "search", keyword="晴天", search_limit=5, comment_pages=1)
    assert code == 0, summary
    assert session.get(Song, 186016).name == "晴天" and count(session, Comment, Comment.song_id == 186016) == 16
    assert_consistent(session)


def test_unknown_ids_are_counted_not_stored(crawl, standin, session):
    code, summary = crawl(standin, "playlist", ids=[1, 2])
    assert code == 0 and summary["problems"] == {"api_code_404": 2}
    code, summary = crawl(standin, "song", ids=[3, 4])
    assert code == 0 and summary["problems"]["song_unknown"] == 2
    assert count(session, Song) == 0 and count(session, Playlist) == 0
