"""The admin's ops page in Chromium: Chinese, complete, and a failed job retried from it."""

import re

import pytest
import sqlalchemy as sa
from rq import Worker

from app.extensions import db
from app.jobs import enqueue_after_commit, queue, redis_conn
from app.outbox import OutboxMessage
from tests.browser import screenshot
from tests.desk.kit import page_at, token_of  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def test_the_admin_sees_workers_queues_failures_and_retries_one(page_at, make, run_jobs):  # noqa: F811
    order_id = make.work_order().id
    run_jobs()
    enqueue_after_commit("tests.sample_jobs.explode", order_id)
    db.session.commit()
    job = queue("default").fetch_job(
        db.session.scalar(
            sa.select(OutboxMessage.job_id).where(OutboxMessage.job == "tests.sample_jobs.explode")
        )
    )
    job.retries_left = 0
    job.save()
    run_jobs()
    Worker([queue("default")], connection=redis_conn(), name="a1b2c3d4e5").register_birth()
    redis_conn().set("tapline:ops:alive:a1b2c3d4e5", "1", ex=60)

    page = page_at("/ops/", token=token_of(make, make.user("admin")))
    page.wait_for_selector("#ops-failed button:has-text('重试')")
    page.wait_for_selector("#ops-workers td:has-text('a1b2c3d4')")
    text = page.inner_text("main")
    assert "普通队列" in text and "抢修队列" in text and "其他后台任务" in text
    assert "在运行 1 个" in text
    assert not re.search(r"\b(undefined|null|NaN)\b", text), text
    screenshot(page, "ops-page")
    page.click("#ops-failed button:has-text('重试')")
    page.wait_for_selector("#ops-failed:has-text('没有失败的任务')")
    assert queue("default").count == 1
    page.click("#ops-sweep-now")
    page.wait_for_selector("#status-line:has-text('巡检完成')")
    screenshot(page, "ops-page-after-retry")
