"""work claims, the case-update lock and the erasure audit

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

`analysis_claims` leases unanalysed mentions to one worker at a time (a stale lease can be taken
over); `work_locks` holds one row per serialised job (case opening and merging) that a
transaction locks by updating it; `erasures` records that a person was erased, with counts and
no personal data.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'analysis_claims',
        sa.Column('mention_id', sa.Integer(), nullable=False),
        sa.Column('worker', sa.String(length=128), nullable=False),
        sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['mention_id'], ['mentions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('mention_id'),
    )
    with op.batch_alter_table('analysis_claims', schema=None) as batch_op:
        batch_op.create_index('ix_analysis_claims_claimed_at', ['claimed_at'], unique=False)
    locks = op.create_table(
        'work_locks',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('holder', sa.String(length=128), nullable=True),
        sa.Column('taken_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('name'),
    )
    op.bulk_insert(locks, [{'name': 'cases', 'holder': None, 'taken_at': None}])
    op.create_table(
        'erasures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('erased_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('scope', sa.String(length=32), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('erasures')
    op.drop_table('work_locks')
    with op.batch_alter_table('analysis_claims', schema=None) as batch_op:
        batch_op.drop_index('ix_analysis_claims_claimed_at')
    op.drop_table('analysis_claims')
