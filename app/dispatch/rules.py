"""Dispatch rules that need no database: shifts, ranking, ping sanity. Unit-tested plainly."""

import math
from datetime import timedelta

from app.calendar.rules import TZ


def in_office_hours(moment, is_working, hours):
    """True when `moment` falls inside office hours on a working day (Asia/Shanghai)."""
    local = moment.astimezone(TZ)
    if not is_working(local.date()):
        return False
    clock = local.time()
    return any(start <= clock < end for start, end in hours)


def eligible(row, emergency=False):
    """Can take this order now: skilled, on shift, not tried, and free enough (R2.2).

    For an emergency the open load is no bar (a job may be pre-empted), but a technician
    already on an emergency is.
    """
    free = not row["has_emergency"] if emergency else row["load"] < row["max_open_orders"]
    return (
        row["status"] != "off_duty"
        and row["has_skill"]
        and row["on_shift"]
        and not row["already_offered"]
        and free
    )


def rank_key(candidate, emergency=False):
    """Nearest first, then the least loaded, then the fewest open orders due before this one.

    For an emergency, a technician who would have to drop a job ranks after one who is free:
    pre-emption is the last resort, not the first.
    """
    key = (candidate["distance_m"], candidate["load"], candidate["due_earlier"])
    return (candidate["would_preempt"], *key) if emergency else key


def rank(candidates, emergency=False):
    return sorted(candidates, key=lambda c: (rank_key(c, emergency), c["technician_id"]))


def ping_errors(ping, now, max_age, max_ahead):
    """Why one position ping is absurd, as {field: [message]}; empty when it is fine."""
    errors = {}
    device_time = ping.get("device_time")
    if device_time is not None:
        if device_time.tzinfo is None:
            errors["device_time"] = ["需带时区 / must carry a UTC offset"]
        elif device_time > now + max_ahead:
            errors["device_time"] = ["时间在未来 / device time is in the future"]
        elif device_time < now - max_age:
            errors["device_time"] = ["时间过旧 / device time is too old"]
    return errors


EARTH_RADIUS_M = 6_371_000


def metres_between(a, b):
    """Great-circle distance between two (lon, lat) points, in metres."""
    (lon1, lat1), (lon2, lat2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def movement_errors(ping, known, min_interval, max_speed_kmh):
    """Why `ping` cannot be a real move from the nearest-in-time known fix (audit item 12).

    `known` is [(device_time, (lon, lat), accuracy_m)]. The same time again is a resend and
    passes; another ping within `min_interval` is too frequent; a move faster than
    `max_speed_kmh`, once both fixes' accuracy is allowed for, is impossible.
    """
    at, point = ping["device_time"], (ping["lon"], ping["lat"])
    nearest = min(known, key=lambda fix: abs(fix[0] - at), default=None)
    if nearest is None or nearest[0] == at:
        return {}
    seconds = abs((nearest[0] - at).total_seconds())
    if seconds < min_interval.total_seconds():
        return {"device_time": [f"定位上报过于频繁 / less than {min_interval.seconds}s apart"]}
    slack = (ping.get("accuracy_m") or 0) + (nearest[2] or 0)
    metres = max(0.0, metres_between(nearest[1], point) - slack)
    kmh = metres / seconds * 3.6
    if kmh > max_speed_kmh:
        return {"position": [f"移动速度不可能 / impossible speed: {kmh:.0f} km/h"]}
    return {}


def area_errors(point, extent, margin_m):
    """Why `point` (lon, lat) is far outside the service area's extent (minx, miny, maxx, maxy)."""
    if extent is None:
        return {}
    minx, miny, maxx, maxy = extent
    nearest = (min(max(point[0], minx), maxx), min(max(point[1], miny), maxy))
    if metres_between(point, nearest) > margin_m:
        return {"position": [f"远离服务区域 / more than {margin_m // 1000} km outside the area"]}
    return {}


def acceptance_deadline(offered_at, minutes):
    return offered_at + timedelta(minutes=minutes)
