"""one active crawl / training job: jobs.active_kind with a unique index

`active_kind` holds the kind while a one-at-a-time job (crawl, train) is queued or running and
NULL otherwise, so the database itself refuses a second active job of that kind: the old
check-then-insert let two simultaneous requests both insert. Existing active jobs keep the
newest of each kind as the active one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# yinqing.services.jobs.EXCLUSIVE_KINDS; a migration keeps its own copy.
EXCLUSIVE_KINDS = ("crawl", "train")


def upgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.add_column(sa.Column('active_kind', sa.String(length=32), nullable=True))
    bind = op.get_bind()
    for kind in EXCLUSIVE_KINDS:
        newest = bind.execute(sa.text("SELECT MAX(id) FROM jobs WHERE kind = :kind AND status IN ('queued', 'running')"),
                              {"kind": kind}).scalar()
        if newest is not None:
            bind.execute(sa.text("UPDATE jobs SET active_kind = :kind WHERE id = :id"), {"kind": kind, "id": newest})
    op.create_index('uq_jobs_active_kind', 'jobs', ['active_kind'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_jobs_active_kind', table_name='jobs')
    with op.batch_alter_table('jobs') as batch:
        batch.drop_column('active_kind')
