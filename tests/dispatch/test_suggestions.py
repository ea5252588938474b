from datetime import timedelta

from app.database import point_wkt, utcnow
from app.extensions import db
from tests.dispatch.kit import FAR, MID, NEAR
from tests.factories import CENTRE

NEIGHBOUR = (
    "SRID=4326;MULTIPOLYGON(((121.22 36.72,121.30 36.72,121.30 36.82,121.22 36.82,121.22 36.72)))"
)


def suggestions(client, make, order):
    dispatcher = make.user("dispatcher")
    resp = client.get(f"/api/workorders/{order.id}/suggestions", headers=make.headers(dispatcher))
    assert resp.status_code == 200, resp.json
    return resp.json


def test_ranked_by_distance_from_fresh_position_else_base_with_reasons(client, make, office_open):
    zone = make.zone()
    far = make.technician(team=zone.team, at=FAR, name="远")
    mid = make.technician(team=zone.team, at=MID, name="中")
    # Based far away but seen a minute ago right next to the order.
    roaming = make.technician(
        team=zone.team,
        at=(121.21, 36.80),
        name="巡",
        last_position=point_wkt(*NEAR),
        last_position_at=utcnow() - timedelta(minutes=1),
    )
    # Seen next to the order two hours ago: stale, so the base point (far) counts.
    stale = make.technician(
        team=zone.team,
        at=(121.215, 36.81),
        name="旧",
        last_position=point_wkt(*CENTRE),
        last_position_at=utcnow() - timedelta(hours=2),
    )
    order = make.work_order(at=CENTRE)
    body = suggestions(client, make, order)
    ids = [c["technician_id"] for c in body["candidates"]]
    assert ids == [roaming.id, mid.id, far.id, stale.id]
    top = body["candidates"][0]
    assert top["fresh_position"] is True and top["rank"] == 1 and top["outside_team"] is False
    assert 50 < top["distance_m"] < 150  # 0.001 degree of longitude here is about 89 m
    assert body["candidates"][3]["fresh_position"] is False
    assert body["candidates"][1]["load"] == 0 and body["scope"] == "team"


def test_others_are_excluded_with_reasons(client, make, office_closed):
    zone = make.zone()
    on_call = make.technician(team=zone.team, at=FAR, on_call=True)
    rostered = make.technician(team=zone.team, at=MID)
    from app.dispatch.models import DutyShift

    db.session.add(
        DutyShift(
            technician_id=rostered.id,
            starts_at=utcnow() - timedelta(hours=1),
            ends_at=utcnow() + timedelta(hours=8),
            kind="on_call",
        )
    )
    db.session.commit()
    day_only = make.technician(team=zone.team, at=NEAR)
    no_skill = make.technician(team=zone.team, at=NEAR, skills=("meter",), on_call=True)
    resting = make.technician(team=zone.team, at=NEAR, on_call=True, status="off_duty")
    full = make.technician(team=zone.team, at=NEAR, on_call=True, max_open_orders=0)
    order = make.work_order(at=CENTRE)
    body = suggestions(client, make, order)
    assert [c["technician_id"] for c in body["candidates"]] == [rostered.id, on_call.id]
    assert body["candidates"][0]["on_duty_roster"] is True
    reasons = {e["technician_id"]: e["reasons"] for e in body["excluded"]}
    assert reasons == {
        day_only.id: ["not_on_shift"],
        no_skill.id: ["no_skill"],
        resting.id: ["off_duty"],
        full.id: ["load_full"],
    }
    assert body["office_hours"] is False


def test_neighbouring_team_when_the_team_has_none_flagged(client, make, office_open):
    zone = make.zone()
    make.technician(team=zone.team, skills=("meter",))
    neighbour = make.zone(wkt=NEIGHBOUR)
    helper = make.technician(team=neighbour.team, at=(121.23, 36.77))
    make.technician(team=make.team(), at=NEAR)  # a team far off the map: not a neighbour
    order = make.work_order(at=CENTRE)
    body = suggestions(client, make, order)
    assert body["scope"] == "neighbours"
    assert [c["technician_id"] for c in body["candidates"]] == [helper.id]
    assert body["candidates"][0]["outside_team"] is True


def test_unrouted_order_is_kept_and_gets_candidates_from_all_teams(client, make, office_open):
    zone = make.zone()
    tech = make.technician(team=zone.team, at=FAR)
    order = make.work_order(at=(121.40, 36.77))
    body = suggestions(client, make, order)
    assert body["scope"] == "all_teams"
    assert body["candidates"][0]["technician_id"] == tech.id
    assert body["candidates"][0]["outside_team"] is True


def test_only_dispatchers_see_suggestions(client, make):
    order = make.work_order()
    tech = make.technician()
    resp = client.get(f"/api/workorders/{order.id}/suggestions", headers=make.headers(tech.user))
    assert resp.status_code == 403


def test_the_plan_pin_is_undone_after_the_candidate_query(make, office_open):
    """enable_sort and jit are off for the candidate query only: the savepoint rolled back to
    restores them, even when the transaction had set them itself, and the transaction goes on."""
    import sqlalchemy as sa

    from app.dispatch import candidates, suggestions

    zone = make.zone()
    tech = make.technician(team=zone.team, at=MID)
    order = make.work_order(at=CENTRE)
    db.session.execute(sa.text("SET LOCAL jit = off"))
    params = suggestions.context(order)
    params.update(lon=CENTRE[0], lat=CENTRE[1], teams=[zone.team_id])
    assert [r["technician_id"] for r in candidates.candidate_rows(params)] == [tech.id]
    settings = sa.text("SELECT current_setting('enable_sort'), current_setting('jit')")
    assert tuple(db.session.execute(settings).one()) == ("on", "off")
    db.session.rollback()
