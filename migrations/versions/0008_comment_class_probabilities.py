"""comment class probabilities: P(neutral) and P(negative) beside sentiment_score (P(positive))

The three-class sentiment model gives every comment three probabilities; the per-song summary
averages them by label. Comments labelled by an older model keep NULL until the relabelling job
(`yinqing analyse comments`, which relabels on a new model version) fills them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('comments') as batch:
        batch.add_column(sa.Column('sentiment_neutral', sa.Float(), nullable=True))
        batch.add_column(sa.Column('sentiment_negative', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('comments') as batch:
        batch.drop_column('sentiment_negative')
        batch.drop_column('sentiment_neutral')
