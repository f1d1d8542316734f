"""dashboard stats: per-song aggregates and cached chart payloads

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 20:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('song_stats',
    sa.Column('song_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('is_partial', sa.Boolean(), nullable=False),
    sa.Column('release_year', sa.Integer(), nullable=True),
    sa.Column('release_month', sa.Integer(), nullable=True),
    sa.Column('release_day', sa.Integer(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('popularity', sa.Float(), nullable=True),
    sa.Column('fee', sa.Integer(), nullable=True),
    sa.Column('privilege_status', sa.Integer(), nullable=True),
    sa.Column('album_id', sa.BigInteger(), nullable=True),
    sa.Column('comment_count', sa.Integer(), nullable=False),
    sa.Column('liked_sum', sa.BigInteger(), nullable=False),
    sa.Column('positive', sa.Integer(), nullable=False),
    sa.Column('negative', sa.Integer(), nullable=False),
    sa.Column('neutral', sa.Integer(), nullable=False),
    sa.Column('cover_class', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['song_id'], ['songs.id'], name=op.f('fk_song_stats_song_id_songs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('song_id', name=op.f('pk_song_stats'))
    )
    with op.batch_alter_table('song_stats', schema=None) as batch_op:
        batch_op.create_index('ix_song_stats_release', ['release_year', 'release_month'], unique=False)
        batch_op.create_index('ix_song_stats_comment_count', ['comment_count'], unique=False)
        batch_op.create_index('ix_song_stats_album_id', ['album_id'], unique=False)

    op.create_table('stats_cache',
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('payload', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_stats_cache'))
    )


def downgrade() -> None:
    op.drop_table('stats_cache')
    with op.batch_alter_table('song_stats', schema=None) as batch_op:
        batch_op.drop_index('ix_song_stats_album_id')
        batch_op.drop_index('ix_song_stats_comment_count')
        batch_op.drop_index('ix_song_stats_release')

    op.drop_table('song_stats')
