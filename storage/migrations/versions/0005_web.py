"""the web workspace: users, sessions, login attempts, API tokens, audit, config versions,
credits; full-text search over mentions; an index for the live queue

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-01

Search: on SQLite an external-content FTS5 table over mentions.text, kept in step by triggers
(skipped where the SQLite build has no FTS5: search then falls back to LIKE); on PostgreSQL a GIN
index on to_tsvector('simple', text). FTS5 folds diacritics (remove_diacritics 2), so İADE finds
iade and "sikayet" typed on a keyboard without Turkish letters finds şikayet. cases.updated_at is indexed because every live queue
(server-sent events) asks for its maximum once a second; ix_cases_queue covers the queue's filter
and sort key.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.exc import OperationalError

revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None

FTS_TRIGGERS = (
    "CREATE TRIGGER mentions_fts_ai AFTER INSERT ON mentions BEGIN "
    "INSERT INTO mentions_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER mentions_fts_ad AFTER DELETE ON mentions BEGIN "
    "INSERT INTO mentions_fts(mentions_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER mentions_fts_au AFTER UPDATE OF text ON mentions BEGIN "
    "INSERT INTO mentions_fts(mentions_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO mentions_fts(rowid, text) VALUES (new.id, new.text); END",
)


def upgrade() -> None:
    op.create_table(
        'web_users',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(length=128), nullable=False, unique=True),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('brands', sa.JSON(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('password_hash', sa.String(), nullable=False),
        sa.Column('totp_secret', sa.String(), nullable=True),
        sa.Column('disabled', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
    )
    op.create_table(
        'web_sessions',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('token_hash', sa.String(length=64), nullable=False, unique=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('web_users.id'), nullable=False),
        sa.Column('csrf_token', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_web_sessions_user_id', 'web_sessions', ['user_id'])
    op.create_table(
        'web_login_attempts',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('username', sa.String(length=128), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=True),
    )
    op.create_index('ix_web_login_attempts_name_at', 'web_login_attempts', ['username', 'at'])
    op.create_table(
        'web_api_tokens',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('web_users.id'), nullable=False),
        sa.Column('label', sa.String(length=128), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False, unique=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('revoked', sa.Boolean(), nullable=False),
    )
    op.create_index('ix_web_api_tokens_user_id', 'web_api_tokens', ['user_id'])
    op.create_table(
        'web_audit',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor', sa.String(length=128), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
    )
    op.create_index('ix_web_audit_at', 'web_audit', ['at'])
    op.create_index('ix_web_audit_case_id', 'web_audit', ['case_id'])
    op.create_table(
        'web_config_versions',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('section', sa.String(length=32), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=True),
        sa.Column('author', sa.String(length=128), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_web_config_versions_section', 'web_config_versions', ['section'])
    op.create_table(
        'web_outcome_credits',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('outcome_id', sa.Integer(), sa.ForeignKey('outcomes.id'), nullable=False),
        sa.Column('case_id', sa.Integer(), sa.ForeignKey('cases.id'), nullable=False),
        sa.Column('amount', sa.Float(), nullable=False),
        sa.Column('currency', sa.String(length=8), nullable=False),
        sa.Column('limit', sa.Float(), nullable=False),
        sa.Column('approver', sa.String(length=128), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_web_outcome_credits_outcome_id', 'web_outcome_credits', ['outcome_id'])
    op.create_index('ix_web_outcome_credits_case_id', 'web_outcome_credits', ['case_id'])
    op.create_index('ix_cases_updated_at', 'cases', ['updated_at'])
    # covers the queue's filter and sort key, so its first page is an index walk (storage.cases)
    op.create_index(
        'ix_cases_queue',
        'cases',
        ['status', 'priority', 'due_at', 'follow_up_at', 'first_contact_at', 'brand', 'agent'],
    )

    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute(
            "CREATE INDEX ix_mentions_text_fts ON mentions "
            "USING gin (to_tsvector('simple', text))"
        )
    elif bind.dialect.name == 'sqlite':
        try:
            op.execute(
                "CREATE VIRTUAL TABLE mentions_fts USING fts5(text, content='mentions', "
                "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
            )
        except OperationalError:
            return  # no FTS5 in this SQLite build: search uses LIKE
        for trigger in FTS_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild')")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_mentions_text_fts")
    elif bind.dialect.name == 'sqlite':
        for name in ('mentions_fts_ai', 'mentions_fts_ad', 'mentions_fts_au'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS mentions_fts")
    op.drop_index('ix_cases_queue', table_name='cases')
    op.drop_index('ix_cases_updated_at', table_name='cases')
    for table in (
        'web_outcome_credits', 'web_config_versions', 'web_audit', 'web_api_tokens',
        'web_login_attempts', 'web_sessions', 'web_users',
    ):
        op.drop_table(table)
