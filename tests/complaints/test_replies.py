"""Sensitive complaints (R4.5): only a general manager approves, and only approved text goes out."""

import hashlib

import pytest
import sqlalchemy as sa

from app.complaints.models import ComplaintApproval, ComplaintDocument, ComplaintReply
from app.extensions import db
from tests.complaints.kit import count, event_kinds, notifications

TEXT = "尊敬的用户:经检测,您反映的水质问题系小区二次供水水箱污染所致,我司已督促物业完成清洗消毒。"


@pytest.fixture
def sensitive(handed_off):
    return handed_off(sensitive=True, sensitive_reason="用户表示将向媒体反映")


def draft(client, office, complaint_id, text=TEXT):
    resp = client.post(
        f"/api/complaints/{complaint_id}/replies",
        headers=office.h(office.lead),
        json={"body": text},
    )
    assert resp.status_code == 201, resp.json
    return resp.json


def act(client, user, office, complaint_id, reply_id, step, body):
    return client.post(
        f"/api/complaints/{complaint_id}/replies/{reply_id}/{step}",
        headers=office.h(user),
        json=body,
    )


def test_only_a_general_manager_approves_and_the_approved_text_is_kept(
    client, office, make, sensitive
):
    reply = draft(client, office, sensitive["id"])
    assert reply["body_sha256"] == hashlib.sha256(TEXT.encode()).hexdigest()
    resp = act(client, office.lead, office, sensitive["id"], reply["id"], "submit", {})
    assert resp.status_code == 200 and resp.json["status"] == "submitted"
    assert notifications("complaint_reply_for_approval", office.gm)
    approve = {
        "decision": "approved",
        "comment": "同意,请尽快答复",
        "body_sha256": reply["body_sha256"],
    }
    for user in (
        office.lead,
        office.agent,
        office.dispatcher,
        make.user("admin"),
        make.technician().user,
    ):
        refused = act(client, user, office, sensitive["id"], reply["id"], "approval", approve)
        assert refused.status_code == 403 and refused.json["code"] == "forbidden"
    assert count(ComplaintApproval) == 0
    resp = act(client, office.gm, office, sensitive["id"], reply["id"], "approval", approve)
    assert resp.status_code == 201, resp.json
    approval = db.session.scalar(sa.select(ComplaintApproval))
    assert approval.body == TEXT and approval.body_sha256 == reply["body_sha256"]
    assert approval.signer_id == office.gm.id and approval.signer_name == "总经理"
    assert approval.comment == "同意,请尽快答复"
    assert notifications("complaint_reply_decided", office.lead)
    sent = act(client, office.lead, office, sensitive["id"], reply["id"], "sent", {"via": "phone"})
    assert sent.status_code == 200 and sent.json["status"] == "sent"
    [archived] = db.session.scalars(
        sa.select(ComplaintDocument).where(ComplaintDocument.kind == "reply")
    ).all()
    text = client.get(
        f"/api/complaints/{sensitive['id']}/documents/{archived.id}", headers=office.h(office.gm)
    ).get_data(as_text=True)
    assert TEXT in text and reply["body_sha256"] in text and "总经理" in text
    assert ["reply_drafted", "reply_submitted", "reply_approved", "reply_sent"] == [
        k for k in event_kinds(sensitive["id"]) if k.startswith("reply_")
    ]
    again = act(client, office.lead, office, sensitive["id"], reply["id"], "sent", {"via": "sms"})
    assert again.status_code == 409 and again.json["code"] == "already_sent"


def test_a_sensitive_reply_cannot_be_sent_without_approval(client, office, sensitive):
    reply = draft(client, office, sensitive["id"])
    url_args = (client, office.lead, office, sensitive["id"], reply["id"])
    resp = act(*url_args, "sent", {"via": "phone"})
    assert resp.status_code == 409 and resp.json["code"] == "approval_required"
    act(*url_args, "submit", {})
    resp = act(*url_args, "sent", {"via": "phone"})
    assert resp.status_code == 409 and resp.json["code"] == "approval_required"
    # Nor can the complaint be resolved before its approved reply went out.
    resp = client.post(
        f"/api/complaints/{sensitive['id']}/resolution",
        headers=office.h(office.lead),
        json={"resolution": "已处理"},
    )
    assert resp.status_code == 409 and resp.json["code"] == "approved_reply_required"
    assert db.session.get(ComplaintReply, reply["id"]).status == "submitted"
    assert db.session.get(ComplaintReply, reply["id"]).sent_at is None


def test_a_rejection_is_recorded_with_its_text_and_blocks_sending(client, office, sensitive):
    reply = draft(client, office, sensitive["id"], "初稿:系用户自家管道问题,与我司无关。")
    act(client, office.lead, office, sensitive["id"], reply["id"], "submit", {})
    resp = act(
        client,
        office.gm,
        office,
        sensitive["id"],
        reply["id"],
        "approval",
        {"decision": "rejected", "comment": "措辞不当,重新起草"},
    )
    assert resp.status_code == 201 and resp.json["decision"] == "rejected"
    assert resp.json["body"] == "初稿:系用户自家管道问题,与我司无关。"
    resp = act(client, office.lead, office, sensitive["id"], reply["id"], "sent", {"via": "phone"})
    assert resp.status_code == 409
    twice = act(
        client,
        office.gm,
        office,
        sensitive["id"],
        reply["id"],
        "approval",
        {"decision": "approved"},
    )
    assert twice.status_code == 409 and twice.json["code"] == "reply_state"
    # A new draft is a new reply; the rejected one stays on file with its rejection.
    second = draft(client, office, sensitive["id"])
    detail = client.get(f"/api/complaints/{sensitive['id']}", headers=office.h(office.gm)).json
    assert [r["status"] for r in detail["replies"]] == ["rejected", "draft"]
    assert detail["replies"][0]["approvals"][0]["comment"] == "措辞不当,重新起草"
    assert second["id"] != reply["id"]


def test_approval_of_text_other_than_the_one_read_changes_nothing(client, office, sensitive):
    reply = draft(client, office, sensitive["id"])
    draft_only = act(
        client,
        office.gm,
        office,
        sensitive["id"],
        reply["id"],
        "approval",
        {"decision": "approved"},
    )
    assert draft_only.status_code == 409  # not yet submitted
    act(client, office.lead, office, sensitive["id"], reply["id"], "submit", {})
    other = hashlib.sha256("另一段文字".encode()).hexdigest()
    resp = act(
        client,
        office.gm,
        office,
        sensitive["id"],
        reply["id"],
        "approval",
        {"decision": "approved", "body_sha256": other},
    )
    assert resp.status_code == 409 and resp.json["code"] == "reply_text_mismatch"
    bad = act(
        client, office.gm, office, sensitive["id"], reply["id"], "approval", {"decision": "maybe"}
    )
    assert bad.status_code == 422 and "decision" in bad.json["errors"]
    assert count(ComplaintApproval) == 0
    assert db.session.get(ComplaintReply, reply["id"]).status == "submitted"


def test_a_replys_text_and_approvals_cannot_be_changed_in_the_database(client, office, sensitive):
    reply = draft(client, office, sensitive["id"])
    act(client, office.lead, office, sensitive["id"], reply["id"], "submit", {})
    act(
        client,
        office.gm,
        office,
        sensitive["id"],
        reply["id"],
        "approval",
        {"decision": "approved"},
    )
    for statement, message in (
        (sa.update(ComplaintReply).values(body="篡改后的答复"), "never changes"),
        (sa.update(ComplaintApproval).values(body="篡改"), "append-only"),
        (sa.delete(ComplaintApproval), "append-only"),
        (sa.delete(ComplaintReply), "append-only"),
    ):
        with pytest.raises(sa.exc.DBAPIError, match=message):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.get(ComplaintReply, reply["id"]).body == TEXT


def test_an_ordinary_reply_goes_out_without_approval(client, office, handed_off):
    complaint = handed_off(kind="proposal")
    reply = draft(client, office, complaint["id"], "感谢您的建议,我们将在营业厅增设叫号屏。")
    resp = act(client, office.lead, office, complaint["id"], reply["id"], "sent", {"via": "sms"})
    assert resp.status_code == 200 and resp.json["sent_via"] == "sms"


def test_flagging_sensitive_later_then_requires_approval(client, office, handed_off):
    complaint = handed_off()
    reply = draft(client, office, complaint["id"])
    resp = client.post(
        f"/api/complaints/{complaint['id']}/sensitive",
        headers=office.h(office.lead),
        json={"reason": "涉及多户,可能引发群体投诉"},
    )
    assert resp.status_code == 200 and resp.json["sensitive"] is True
    assert notifications("complaint_sensitive", office.gm)
    resp = act(client, office.lead, office, complaint["id"], reply["id"], "sent", {"via": "phone"})
    assert resp.status_code == 409 and resp.json["code"] == "approval_required"
    again = client.post(
        f"/api/complaints/{complaint['id']}/sensitive",
        headers=office.h(office.gm),
        json={"reason": "重复标记"},
    )
    assert again.status_code == 409
