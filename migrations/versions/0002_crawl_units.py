"""crawl units: progress of crawl runs, for resuming

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 20:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('crawl_units',
    sa.Column('run_key', sa.String(length=64), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('state', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('run_key', 'unit', name=op.f('pk_crawl_units'))
    )


def downgrade() -> None:
    op.drop_table('crawl_units')
