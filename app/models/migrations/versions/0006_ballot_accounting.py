"""ballot accounting: printed ballot numbers, the number of an entered ballot, checks of a count

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ballot_numbers',
    sa.Column('number', sa.String(length=6), nullable=False),
    sa.Column('group', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('number')
    )
    op.create_table('count_checks',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('group', sa.String(length=16), nullable=True),
    sa.Column('seed', sa.String(length=200), nullable=True),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('started_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('check_entries',
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('ballot_no', sa.String(length=6), nullable=False),
    sa.Column('group', sa.String(length=16), nullable=False),
    sa.Column('marks', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['count_checks.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('check_id', 'ballot_no')
    )
    with op.batch_alter_table('ballots') as batch:
        batch.add_column(sa.Column('ballot_no', sa.String(length=6), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ballots') as batch:
        batch.drop_column('ballot_no')
    op.drop_table('check_entries')
    op.drop_table('count_checks')
    op.drop_table('ballot_numbers')
