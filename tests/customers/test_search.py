"""The hotline finds the caller by phone, account number or address, with their orders."""

import sqlalchemy as sa

from app.customers.models import Customer
from app.extensions import db
from app.workorders.services import cancel


def search(client, headers, q):
    resp = client.get("/api/customers", query_string={"q": q}, headers=headers)
    assert resp.status_code == 200, resp.json
    return resp.json


def test_found_by_phone_account_number_or_address_with_open_orders_and_history(client, make):
    make.zone()
    agent = make.user("hotline_agent")
    headers = make.headers(agent)
    make.customer(
        account_no="HY20240001",
        name="王建国",
        phone="138-0535-1234",
        address="海阳市方圆街道海港路8号",
    )
    make.customer(
        account_no="HY20240002", name="李梅", phone="13905351111", address="海阳市凤城街道1号"
    )
    open_order = make.work_order(account_no="HY20240001", by=agent)
    done = make.work_order(account_no="HY20240001", by=agent, type="meter_replacement")
    cancel(done, "用户已自行修好", agent)
    db.session.commit()

    for q in ("13805351234", "5351234", "HY20240001", "hy2024000", "海港路"):
        body = search(client, headers, q)
        assert [c["account_no"] for c in body["items"]][:1] == ["HY20240001"], q
    card = search(client, headers, "13805351234")["items"][0]
    assert card["name"] == "王建国" and card["phone"] == "138-0535-1234"
    assert [o["number"] for o in card["open_orders"]] == [open_order.number]
    assert card["open_orders"][0]["status_label"] == "待派单"
    assert [o["status"] for o in card["recent_orders"]] == ["cancelled"]


def test_exact_matches_come_first(client, make):
    headers = make.headers(make.user("hotline_agent"))
    make.customer(account_no="HY1", address="海阳市HY10路")
    make.customer(account_no="HY10", address="海阳市东村")
    body = search(client, headers, "HY10")
    assert body["total"] == 2 and body["items"][0]["account_no"] == "HY10"


def test_a_caller_without_an_account_finds_their_open_order_by_phone(client, make):
    headers = make.headers(make.user("hotline_agent"))
    order = make.work_order(caller_phone="13712345678")
    body = search(client, headers, "13712345678")
    assert body["items"] == []
    assert [o["id"] for o in body["other_open_orders"]] == [order.id]


def test_phone_is_masked_for_roles_that_do_not_need_it(client, make):
    make.customer(account_no="HY77", phone="13812345678")
    gm = make.headers(make.user("general_manager"))
    assert search(client, gm, "HY77")["items"][0]["phone"] == "138****5678"


def test_roles_and_bad_queries(client, make):
    tech = make.technician()
    resp = client.get("/api/customers?q=HY77", headers=make.headers(tech.user))
    assert resp.status_code == 403
    assert client.get("/api/customers?q=HY77").status_code == 401
    headers = make.headers(make.user("hotline_agent"))
    resp = client.get("/api/customers?q=1", headers=headers)
    assert resp.status_code == 422 and "q" in resp.json["errors"]
    like = search(client, headers, "%_%")
    assert like["total"] == 0  # wildcards are literal


def test_one_customer_card(client, make):
    headers = make.headers(make.user("dispatcher"))
    customer = make.customer()
    resp = client.get(f"/api/customers/{customer.id}", headers=headers)
    assert resp.status_code == 200 and resp.json["account_no"] == customer.account_no
    assert resp.json["location"] == {"lon": 121.16, "lat": 36.77}
    assert client.get("/api/customers/999999", headers=headers).status_code == 404


def test_open_complaints_show_on_the_card(client, make):
    dept = make.team(name="水质管理部", kind="department")
    make.customer(account_no="HY88", name="赵女士", phone="13812340088")
    agent = make.headers(make.user("hotline_agent"))
    resp = client.post(
        "/api/complaints",
        headers=agent,
        json={
            "kind": "water_quality",
            "channel": "hotline",
            "account_no": "HY88",
            "description": "自来水发黄",
            "justified": True,
            "department_id": dept.id,
        },
    )
    assert resp.status_code == 201, resp.json
    card = search(client, agent, "HY88")["items"][0]
    (complaint,) = card["open_complaints"]
    assert complaint["number"] == resp.json["number"] and complaint["kind_label"] == "供水质量"


def test_the_search_can_use_the_trigram_indexes():
    """With sequential scans off, each fragment match goes through its index (migration 0005)."""
    from sqlalchemy.dialects import postgresql

    from app.desk import callers as services

    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    where, _ = services._matches("5351234")
    stmt = sa.select(Customer.id).where(where)
    sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    plan = "\n".join(db.session.scalars(sa.text(f"EXPLAIN {sql}")))
    for index in (
        "ix_customers_address_trgm",
        "ix_customers_name_trgm",
        "ix_customers_account_no_trgm",
        "ix_customers_phone_digits_trgm",
    ):
        assert index in plan, plan
    db.session.rollback()
