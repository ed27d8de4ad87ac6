"""case matters: the order/tracking numbers, threads, asks and signals a case is about

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01

`case_matters` holds one row per case, written by `update_cases`, so posts join a case by the
same parcel or thread rather than by person alone, and a later ask or threat reaches the case.
Cases opened before this revision have no row; the next post that joins them creates it.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_matters',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('keys', sa.JSON(), nullable=False),
        sa.Column('threads', sa.JSON(), nullable=False),
        sa.Column('asks', sa.JSON(), nullable=False),
        sa.Column('signals', sa.JSON(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('case_id'),
    )


def downgrade() -> None:
    op.drop_table('case_matters')
