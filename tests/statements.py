"""Count the SQL statements a request sends (issue 16): an N+1 shows as a count that grows."""

from contextlib import contextmanager

import sqlalchemy as sa

from app.extensions import db


class Seen(list):
    """The statements sent, and for each whether it ran inside a transaction (then psycopg
    sent a BEGIN before the first and the request's end a ROLLBACK or COMMIT: two more
    round trips)."""

    def __init__(self):
        super().__init__()
        self.in_transaction = []


@contextmanager
def counted():
    """Yields the statements (a Seen) sent to PostgreSQL while the block runs."""
    seen = Seen()

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))
        seen.in_transaction.append(not conn.connection.dbapi_connection.autocommit)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def get_counted(client, url, headers):
    """(response, statements) of one GET, the session cleared first as in a fresh request."""
    db.session.remove()
    with counted() as seen:
        resp = client.get(url, headers=headers)
    assert resp.status_code == 200, resp.json
    return resp, seen


def explain(seen):
    return "\n".join(f"  {i + 1}. {s[:140]}" for i, s in enumerate(seen))
