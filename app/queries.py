"""Query helpers every area shares: one page of rows with its total, and LIKE patterns."""

import sqlalchemy as sa

from app.extensions import db


def paginate(stmt, args, *order_by, options=(), rows=False):
    """{"items", "total", "page", "per_page"} for `stmt`: one COUNT, then one page in order.

    `rows=True` keeps whole result rows (for a select of several columns), not just the first.
    """
    total = db.session.scalar(sa.select(sa.func.count()).select_from(_countable(stmt).subquery()))
    page = (
        stmt.options(*options)
        .order_by(*order_by)
        .limit(args["per_page"])
        .offset((args["page"] - 1) * args["per_page"])
    )
    result = db.session.execute(page) if rows else db.session.scalars(page)
    return {
        "items": result.all(),
        "total": total,
        "page": args["page"],
        "per_page": args["per_page"],
    }


def _countable(stmt):
    """`stmt` reduced to its FROM and WHERE for counting: no columns to compute or ship.

    A DISTINCT or GROUP BY decides what a row is, so such a statement is counted as it is.
    """
    if stmt._distinct or stmt._group_by_clauses:
        return stmt
    return stmt.with_only_columns(sa.literal_column("1"), maintain_column_froms=True)


def contains_pattern(text):
    """An ILIKE pattern matching `text` anywhere, its % and _ taken literally (escape '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
