"""Audit item 11: customer links come from PUBLIC_BASE_URL, whatever Host a request claims."""

from tests.visits.kit import Phone, assigned_order


def test_links_for_customers_ignore_the_host_header(client, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://service.example-water.cn/")
    order, tech = assigned_order(make)
    ph = Phone(client, make, tech)
    resp = ph.client.post(
        f"/api/workorders/{order.id}/id-check",
        headers={**ph.headers, "Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    assert resp.status_code == 200
    assert resp.json["url"].startswith("https://service.example-water.cn/verify/")
    assert "evil" not in resp.json["qr_svg"]
