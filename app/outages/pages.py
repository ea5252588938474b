"""The public page of current and planned outages (no login, R8)."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template

from app.database import utcnow
from app.extensions import db
from app.messaging.rules import TZ
from app.outages.models import Outage
from app.outages.rules import KIND_LABELS_ZH

pages = Blueprint(
    "outage_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/outages/static",
)


def _local(moment):
    local = moment.astimezone(TZ)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


@pages.get("/dispatch/outages/")
def console():
    """停水通告 for dispatchers and leads (the page signs in like the console)."""
    return render_template(
        "outages/console.html", tile_url=current_app.config["MAP_TILE_URL"] or ""
    )


@pages.get("/outages")
def public_list():
    now = utcnow()
    rows = db.session.scalars(
        sa.select(Outage)
        .where(
            sa.or_(
                Outage.status == "announced",
                sa.and_(
                    Outage.status == "restored", Outage.restored_at > now - timedelta(hours=12)
                ),
            )
        )
        .order_by(Outage.start_at)
    ).all()
    current = [o for o in rows if o.status == "announced" and o.start_at <= now]
    planned = [o for o in rows if o.status == "announced" and o.start_at > now]
    restored = [o for o in rows if o.status == "restored"]
    body = render_template(
        "outages/public.html",
        current=current,
        planned=planned,
        restored=restored,
        local=_local,
        kinds=KIND_LABELS_ZH,
    )
    return body, 200, {"Cache-Control": "max-age=60"}
