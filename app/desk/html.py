"""HTML pages: plain ES modules and CSS served from app/desk/static, no build step."""

from flask import Blueprint, current_app, render_template

from app.mobile.tables import tables

pages = Blueprint(
    "desk_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/desk/static",
)


def _page(template):
    config = current_app.config
    # The console refreshes on every live event; the poll is only the safety net.
    return render_template(
        template,
        tile_url=config["MAP_TILE_URL"] or "",
        tile_label_url=config["MAP_TILE_LABEL_URL"],
        tile_subdomains=config["MAP_TILE_SUBDOMAINS"],
        tile_key=config["TIANDITU_KEY"],
        poll_seconds=config["CONSOLE_POLL_SECONDS"],
        tables=tables(),
    )


@pages.get("/desk/")
def desk():
    return _page("desk/desk.html")


@pages.get("/dispatch/")
def console():
    return _page("desk/dispatch.html")
