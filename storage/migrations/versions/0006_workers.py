"""dead letters and delivery counts for the Celery workers

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-01

`dead_letters` keeps every task the workers gave up on (one row per broker task id);
`task_deliveries` counts how often a task's message reached a worker, so that a message that
kills its worker is dead-lettered after `workers.max_deliveries` instead of looping forever.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0006'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dead_letters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('task', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('queue', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('kwargs', sa.JSON(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('task_id'),
    )
    with op.batch_alter_table('dead_letters', schema=None) as batch_op:
        batch_op.create_index('ix_dead_letters_created_at', ['created_at'], unique=False)
    op.create_table(
        'task_deliveries',
        sa.Column('task_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('task', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('deliveries', sa.Integer(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('task_id'),
    )


def downgrade() -> None:
    op.drop_table('task_deliveries')
    with op.batch_alter_table('dead_letters', schema=None) as batch_op:
        batch_op.drop_index('ix_dead_letters_created_at')
    op.drop_table('dead_letters')
