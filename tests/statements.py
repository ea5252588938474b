"""Count the SQL statements a request sends (issue 16): an N+1 shows as a count that grows."""

from contextlib import contextmanager

import sqlalchemy as sa

from app.extensions import db


@contextmanager
def counted():
    """Yields the list of statements sent to PostgreSQL while the block runs."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

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
