"""SMS test helpers: the dev provider without quiet hours, its outbox, and a page fixture."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.messaging.models import DevSmsDelivery, SmsMessage


@pytest.fixture(autouse=True)
def sms_config(app):
    """No quiet hours unless a test sets them (the suite runs at any hour), the dev provider."""
    keys = (
        "SMS_QUIET_HOURS",
        "SMS_PROVIDER",
        "SMS_TEMPLATES",
        "SMS_ACCESS_KEY_ID",
        "SMS_ACCESS_KEY_SECRET",
        "SMS_APP_ID",
        "SMS_RATE_PER_HOUR",
        "PUBLIC_BASE_URL",
        "SMS_ORDER_MESSAGES",
        "SMS_EMERGENCY_OFFERS",
    )
    saved = {key: app.config[key] for key in keys}
    app.config.update(
        SMS_QUIET_HOURS="",
        SMS_PROVIDER="dev",
        SMS_ORDER_MESSAGES=True,
        SMS_EMERGENCY_OFFERS=True,
        PUBLIC_BASE_URL="https://water.example",
    )
    app.extensions.pop("tapline_sms_providers", None)
    yield app.config
    app.config.update(saved)
    app.extensions.pop("tapline_sms_providers", None)


def messages(**where):
    stmt = sa.select(SmsMessage).order_by(SmsMessage.created_at)
    for name, value in where.items():
        stmt = stmt.where(getattr(SmsMessage, name) == value)
    return db.session.scalars(stmt).all()


def delivered(phone=None):
    stmt = sa.select(DevSmsDelivery).order_by(DevSmsDelivery.id)
    if phone:
        stmt = stmt.where(DevSmsDelivery.phone == phone)
    return db.session.scalars(stmt).all()


@pytest.fixture
def page_at(browser, live_server):
    """page_at(path, token=None, viewport=(w, h)): a page of the live server, no JS errors."""
    contexts, errors = [], []

    def open_page(path, token=None, viewport=(1366, 768)):
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        contexts.append(context)
        if token:
            context.add_init_script(f"sessionStorage.setItem('tapline.token', {token!r});")
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{path}: {exc}"))
        page.set_default_timeout(20_000)
        page.goto(live_server + path)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"
