"""HTML: the staff's 短信发件箱 (every message and attempt) and the customer's /t/<token>."""

from flask import Blueprint, render_template

pages = Blueprint(
    "messaging_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/sms/static",
)


@pages.get("/admin/sms/")
def outbox():
    return render_template("messaging/outbox.html", tile_url="")
