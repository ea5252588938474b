"""The complaint page's read, pinned like the work-order reads (tests/test_statement_counts.py):
the same statements whatever the lengths of its lists, and no BEGIN/ROLLBACK around them."""

from tests.statements import explain, get_counted

# user, the complaint, its replies and their approvals (selectin), its events and the names
# of their actors, its department, then one query per list it shows: clocks, contacts,
# follow-ups, documents
PIN = 11


def _log_contact(client, office, complaint_id, n):
    resp = client.post(
        f"/api/complaints/{complaint_id}/contacts",
        headers=office.h(office.lead),
        json={"kind": "progress_call", "summary": f"第{n}次告知用户处理进度"},
    )
    assert resp.status_code == 201, resp.json


def _draft(client, office, complaint_id, text):
    resp = client.post(
        f"/api/complaints/{complaint_id}/replies",
        headers=office.h(office.lead),
        json={"body": text},
    )
    assert resp.status_code == 201, resp.json


def test_the_complaint_detail_costs_the_same_for_short_and_long_histories(
    client, office, handed_off
):
    complaint = handed_off()["id"]
    url, agent = f"/api/complaints/{complaint}", office.h(office.agent)
    _log_contact(client, office, complaint, 1)
    _draft(client, office, complaint, "初稿:已安排检测。")
    short, few = get_counted(client, url, agent)
    for n in range(2, 6):
        _log_contact(client, office, complaint, n)
    _draft(client, office, complaint, "二稿:检测合格,已告知用户。")
    long, many = get_counted(client, url, agent)
    assert len(long.json["contacts"]) == 5 and len(long.json["replies"]) == 2
    assert len(long.json["timeline"]) > len(short.json["timeline"])
    assert len(few) == len(many) == PIN, f"{len(few)} / {len(many)}\n{explain(many)}"
    assert not any(few.in_transaction + many.in_transaction), explain(many)
