"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 20:06:36.130779
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('artists',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('aliases', sa.JSON(none_as_null=True), nullable=False),
    sa.Column('pic_url', sa.String(length=1024), nullable=True),
    sa.Column('music_size', sa.Integer(), nullable=True),
    sa.Column('album_size', sa.Integer(), nullable=True),
    sa.Column('mv_size', sa.Integer(), nullable=True),
    sa.Column('brief_desc', sa.Text(), nullable=True),
    sa.Column('raw', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('crawled_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_artists'))
    )
    with op.batch_alter_table('artists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_artists_name'), ['name'], unique=False)

    op.create_table('playlists',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=512), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('tags', sa.JSON(none_as_null=True), nullable=False),
    sa.Column('cover_url', sa.String(length=1024), nullable=True),
    sa.Column('creator_id', sa.BigInteger(), nullable=True),
    sa.Column('creator_nickname', sa.String(length=255), nullable=True),
    sa.Column('play_count', sa.BigInteger(), nullable=True),
    sa.Column('subscribed_count', sa.BigInteger(), nullable=True),
    sa.Column('share_count', sa.BigInteger(), nullable=True),
    sa.Column('comment_count', sa.BigInteger(), nullable=True),
    sa.Column('track_count', sa.Integer(), nullable=True),
    sa.Column('create_time', sa.DateTime(), nullable=True),
    sa.Column('update_time', sa.DateTime(), nullable=True),
    sa.Column('is_toplist', sa.Boolean(), nullable=False),
    sa.Column('raw', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('crawled_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_playlists'))
    )
    with op.batch_alter_table('playlists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_playlists_name'), ['name'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('nickname', sa.String(length=64), nullable=False),
    sa.Column('avatar_path', sa.String(length=255), nullable=True),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('token_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('albums',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=512), nullable=True),
    sa.Column('pic_url', sa.String(length=1024), nullable=True),
    sa.Column('publish_time', sa.DateTime(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('company', sa.String(length=255), nullable=True),
    sa.Column('type', sa.String(length=64), nullable=True),
    sa.Column('artist_id', sa.BigInteger(), nullable=True),
    sa.Column('raw', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('crawled_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['artist_id'], ['artists.id'], name=op.f('fk_albums_artist_id_artists'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_albums'))
    )
    with op.batch_alter_table('albums', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_albums_artist_id'), ['artist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_albums_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_albums_publish_time'), ['publish_time'], unique=False)

    op.create_table('jobs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('params', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('result', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_jobs_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_kind_status', ['kind', 'status'], unique=False)

    op.create_table('songs',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=512), nullable=True),
    sa.Column('aliases', sa.JSON(none_as_null=True), nullable=False),
    sa.Column('translated_names', sa.JSON(none_as_null=True), nullable=False),
    sa.Column('artist_names', sa.JSON(none_as_null=True), nullable=False),
    sa.Column('album_id', sa.BigInteger(), nullable=True),
    sa.Column('cover_url', sa.String(length=1024), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('publish_time', sa.DateTime(), nullable=True),
    sa.Column('popularity', sa.Float(), nullable=True),
    sa.Column('fee', sa.Integer(), nullable=True),
    sa.Column('copyright', sa.Integer(), nullable=True),
    sa.Column('origin_cover_type', sa.Integer(), nullable=True),
    sa.Column('origin_song', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('no_copyright_rcmd', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('privilege_status', sa.Integer(), nullable=True),
    sa.Column('privilege', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('mv_id', sa.BigInteger(), nullable=True),
    sa.Column('comment_total', sa.Integer(), nullable=True),
    sa.Column('is_partial', sa.Boolean(), nullable=False),
    sa.Column('raw', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('crawled_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['album_id'], ['albums.id'], name=op.f('fk_songs_album_id_albums'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_songs'))
    )
    with op.batch_alter_table('songs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_songs_album_id'), ['album_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_songs_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_songs_popularity'), ['popularity'], unique=False)
        batch_op.create_index(batch_op.f('ix_songs_publish_time'), ['publish_time'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('netease_id', sa.BigInteger(), nullable=True),
    sa.Column('dedup_key', sa.String(length=64), nullable=False),
    sa.Column('song_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=True),
    sa.Column('nickname', sa.String(length=255), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('liked_count', sa.Integer(), nullable=False),
    sa.Column('reply_count', sa.Integer(), nullable=True),
    sa.Column('time', sa.DateTime(), nullable=True),
    sa.Column('ip_location', sa.String(length=64), nullable=True),
    sa.Column('is_hot', sa.Boolean(), nullable=False),
    sa.Column('sentiment_label', sa.String(length=16), nullable=True),
    sa.Column('sentiment_score', sa.Float(), nullable=True),
    sa.Column('sentiment_model', sa.String(length=64), nullable=True),
    sa.Column('crawled_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['song_id'], ['songs.id'], name=op.f('fk_comments_song_id_songs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_comments_dedup_key')),
    sa.UniqueConstraint('netease_id', name=op.f('uq_comments_netease_id'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_sentiment_model', ['sentiment_model'], unique=False)
        batch_op.create_index('ix_comments_song_hot_likes', ['song_id', 'is_hot', 'liked_count'], unique=False)
        batch_op.create_index('ix_comments_song_time', ['song_id', 'time'], unique=False)

    op.create_table('lyrics',
    sa.Column('song_id', sa.BigInteger(), nullable=False),
    sa.Column('lrc', sa.Text(), nullable=True),
    sa.Column('translated_lrc', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('crawled_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['song_id'], ['songs.id'], name=op.f('fk_lyrics_song_id_songs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('song_id', name=op.f('pk_lyrics'))
    )
    op.create_table('not_interested',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('song_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['song_id'], ['songs.id'], name=op.f('fk_not_interested_song_id_songs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_not_interested_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'song_id', name=op.f('pk_not_interested'))
    )
    op.create_table('playlist_tracks',
    sa.Column('playlist_id', sa.BigInteger(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('song_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['playlist_id'], ['playlists.id'], name=op.f('fk_playlist_tracks_playlist_id_playlists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['song_id'], ['songs.id'], name=op.f('fk_playlist_tracks_song_id_songs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('playlist_id', 'position', name=op.f('pk_playlist_tracks'))
    )
    with op.batch_alter_table('playlist_tracks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_playlist_tracks_song_id'), ['song_id'], unique=False)

    op.create_table('plays',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('song_id', sa.BigInteger(), nullable=False),
    sa.Column('played_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['song_id'], ['songs.id'], name=op.f('fk_plays_song_id_songs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_plays_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plays'))
    )
    with op.batch_alter_table('plays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plays_song_id'), ['song_id'], unique=False)
        batch_op.create_index('ix_plays_user_time', ['user_id', 'played_at'], unique=False)

    op.create_table('ratings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('song_id', sa.BigInteger(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['song_id'], ['songs.id'], name=op.f('fk_ratings_song_id_songs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ratings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('user_id', 'song_id', name='uq_ratings_user_song')
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_song_id'), ['song_id'], unique=False)
        batch_op.create_index('ix_ratings_user_updated', ['user_id', 'updated_at'], unique=False)

    op.create_table('song_artists',
    sa.Column('song_id', sa.BigInteger(), nullable=False),
    sa.Column('artist_id', sa.BigInteger(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['artist_id'], ['artists.id'], name=op.f('fk_song_artists_artist_id_artists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['song_id'], ['songs.id'], name=op.f('fk_song_artists_song_id_songs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('song_id', 'artist_id', name=op.f('pk_song_artists'))
    )
    with op.batch_alter_table('song_artists', schema=None) as batch_op:
        batch_op.create_index('ix_song_artists_artist_id', ['artist_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('song_artists', schema=None) as batch_op:
        batch_op.drop_index('ix_song_artists_artist_id')

    op.drop_table('song_artists')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_ratings_user_updated')
        batch_op.drop_index(batch_op.f('ix_ratings_song_id'))

    op.drop_table('ratings')
    with op.batch_alter_table('plays', schema=None) as batch_op:
        batch_op.drop_index('ix_plays_user_time')
        batch_op.drop_index(batch_op.f('ix_plays_song_id'))

    op.drop_table('plays')
    with op.batch_alter_table('playlist_tracks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_playlist_tracks_song_id'))

    op.drop_table('playlist_tracks')
    op.drop_table('not_interested')
    op.drop_table('lyrics')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_song_time')
        batch_op.drop_index('ix_comments_song_hot_likes')
        batch_op.drop_index('ix_comments_sentiment_model')

    op.drop_table('comments')
    with op.batch_alter_table('songs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_songs_publish_time'))
        batch_op.drop_index(batch_op.f('ix_songs_popularity'))
        batch_op.drop_index(batch_op.f('ix_songs_name'))
        batch_op.drop_index(batch_op.f('ix_songs_album_id'))

    op.drop_table('songs')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_kind_status')

    op.drop_table('jobs')
    with op.batch_alter_table('albums', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_albums_publish_time'))
        batch_op.drop_index(batch_op.f('ix_albums_name'))
        batch_op.drop_index(batch_op.f('ix_albums_artist_id'))

    op.drop_table('albums')
    op.drop_table('users')
    with op.batch_alter_table('playlists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_playlists_name'))

    op.drop_table('playlists')
    with op.batch_alter_table('artists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_artists_name'))

    op.drop_table('artists')
