"""The transactional outbox: a job request committed with the change that needs it.

A row is a promise. `sent_at` says it reached RQ (as `job_id`), `done_at` that its job
committed its work (in the job's own transaction), so a row sent but never done whose job
is gone from Redis is a promise to re-drive (app.ops.reconcile).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.database import utcnow
from app.extensions import db


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(200))
    args: Mapped[list] = mapped_column(JSONB, default=list)
    queue: Mapped[str] = mapped_column(sa.String(40), default="default")
    delay_seconds: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Real enqueue tries only: a relay skipped while Redis is known to be down is no try.
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    job_id: Mapped[str | None] = mapped_column(sa.String(80))
    done_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    redriven: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (
        sa.Index("ix_outbox_messages_unsent", "id", postgresql_where=sa.text("sent_at IS NULL")),
        sa.Index(
            "ix_outbox_messages_open",
            "job",
            "created_at",
            postgresql_where=sa.text("done_at IS NULL"),
        ),
    )

    def due_at(self):
        """When the job was asked to run: its delay counts from the commit."""
        from datetime import timedelta

        return self.created_at + timedelta(seconds=self.delay_seconds)
