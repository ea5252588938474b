"""Dispatch rules that need no database: shifts, ranking, ping sanity. Unit-tested plainly."""

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


def acceptance_deadline(offered_at, minutes):
    return offered_at + timedelta(minutes=minutes)
