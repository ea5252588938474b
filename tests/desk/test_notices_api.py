"""The one-time notification catalogue through the API: read, check a caller's list, edit."""

import sqlalchemy as sa

from app.desk.models import NoticeEntry
from app.extensions import db

URL = "/api/desk/notices"


def test_transfer_by_a_resident_shows_everything_from_the_rules(client, make):
    headers = make.headers(make.user("hotline_agent"))
    body = client.get(f"{URL}/transfer/resident", headers=headers).json
    assert body["business_name"] == "过户" and body["applicant_kind_name"] == "居民用户"
    assert body["coverage"] == "specific" and body["source"].startswith("一(二)(2)")
    assert [m["name"] for m in body["materials"]] == [
        "新用户房产证",
        "房主的身份证",
        "代办人本人身份证",
    ]
    assert body["time_limit"] == "手续齐全,受理业务现场办结"


def test_catalogue_lists_and_filters(client, make):
    headers = make.headers(make.user("dispatcher"))
    assert len(client.get(URL, headers=headers).json) == 54
    rows = client.get(URL, query_string={"business": "low_income"}, headers=headers).json
    assert {r["applicant_kind"]: r["coverage"] for r in rows}["resident"] == "specific"
    assert client.get(f"{URL}/teleport/resident", headers=headers).status_code == 404
    kinds = client.get("/api/desk/notice-kinds", headers=headers).json
    assert [b["name_zh"] for b in kinds["businesses"]][:2] == ["开户", "过户"]
    assert len(kinds["applicant_kinds"]) == 6


def test_checklist_gives_the_missing_list_as_printable_and_sms_text(client, make):
    headers = make.headers(make.user("hotline_agent", display_name="刘坐席"))
    resp = client.post(
        f"{URL}/transfer/resident/checklist",
        headers=headers,
        json={
            "have": ["房主的身份证"],
            "not_applicable": ["代办人本人身份证"],
            "applicant": "王先生",
        },
    )
    assert resp.status_code == 200, resp.json
    body = resp.json
    assert [m["name"] for m in body["missing"]] == ["新用户房产证"]
    assert "1. 新用户房产证" in body["printable_text"].split("【尚缺材料")[1]
    assert "受理人:刘坐席" in body["printable_text"]
    # The configured company, its window and hotline, and a place for the applicant to sign.
    printable = body["printable_text"]
    assert printable.startswith("海阳市自来水有限公司 供水业务一次性告知单")
    assert "办理地点:海阳市海政路1号 营业厅" in printable and "咨询电话:0535-3222000" in printable
    assert "申请人签字:" in printable
    assert body["sms_text"] == (
        "【海阳市自来水有限公司】您办理过户(居民用户)尚缺:新用户房产证。"
        "请补齐后到客服中心窗口办理。"
    )


def test_checklist_refuses_names_not_in_the_list(client, make):
    headers = make.headers(make.user("hotline_agent"))
    resp = client.post(
        f"{URL}/transfer/resident/checklist", headers=headers, json={"have": ["护照"]}
    )
    assert resp.status_code == 422 and "have" in resp.json["errors"]


def test_admin_edits_an_entry_and_others_cannot(client, make):
    admin = make.user("admin")
    body = client.get(f"{URL}/open_account/enterprise", headers=make.headers(admin)).json
    edit = {
        "coverage": "specific",
        "conditions": ["企业用户签订供用水合同书"],
        "time_limit": "手续齐全,受理业务现场办结",
        "procedure": ["签订供用水合同书"],
        "materials": [{"name": "营业执照"}, {"name": "经办人身份证明"}],
        "notes": [],
        "source": "公司补充规定",
    }
    agent = make.headers(make.user("hotline_agent"))
    assert client.put(f"{URL}/open_account/enterprise", headers=agent, json=edit).status_code == 403
    resp = client.put(f"{URL}/open_account/enterprise", headers=make.headers(admin), json=edit)
    assert resp.status_code == 200, resp.json
    assert resp.json["version"] == body["version"] + 1 and resp.json["updated_by_id"] == admin.id
    assert resp.json["materials"][0] == {
        "name": "营业执照",
        "when": None,
        "stage": None,
        "deferrable": False,
    }
    again = client.get(f"{URL}/open_account/enterprise", headers=agent).json
    assert again["coverage"] == "specific"


def test_bad_edits_change_nothing(client, make):
    headers = make.headers(make.user("admin"))
    before = db.session.scalar(
        sa.select(NoticeEntry.materials).where(
            NoticeEntry.business == "transfer", NoticeEntry.applicant_kind == "resident"
        )
    )
    for edit, field in [
        ({"coverage": "maybe"}, "coverage"),
        ({"coverage": "specific", "materials": [{"name": "A"}, {"name": "A"}]}, "materials"),
        ({"coverage": "specific", "materials": [{"when": "x"}]}, "materials"),
    ]:
        resp = client.put(f"{URL}/transfer/resident", headers=headers, json=edit)
        assert resp.status_code == 422 and field in resp.json["errors"], resp.json
    db.session.expire_all()
    after = db.session.scalar(
        sa.select(NoticeEntry.materials).where(
            NoticeEntry.business == "transfer", NoticeEntry.applicant_kind == "resident"
        )
    )
    assert after == before
