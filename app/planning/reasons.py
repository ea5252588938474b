"""Why an order stayed out of the plan, in words a dispatcher can act on."""

NO_LOCATION = "no_location"
NO_SKILL = "no_skill"
TECHNICIAN_OFF_SHIFT = "technician_off_shift"
WINDOW_IMPOSSIBLE = "window_impossible"
OUT_OF_REACH = "out_of_reach"
CAPACITY = "capacity"
REMOVED = "removed_by_dispatcher"

MESSAGES = {
    NO_LOCATION: "工单没有位置,无法排程 / the order has no location",
    NO_SKILL: "当日没有具备所需技能的在班维修工 / no technician on shift has the skill",
    TECHNICIAN_OFF_SHIFT: "已接此单的维修工当日不在班 / the assigned technician is off that day",
    WINDOW_IMPOSSIBLE: "预约时段内没有合格维修工能够到达 / no qualified technician can reach it "
    "inside the appointment window and the shift",
    OUT_OF_REACH: "班次内无法往返完成 / no qualified technician can get there, do it and get "
    "back within the shift",
    CAPACITY: "合格维修工当日已排满(时间或工单上限)/ the qualified technicians' days are full "
    "(time or daily order limit)",
    REMOVED: "调度员移出计划 / taken out of the plan by the dispatcher",
}


def qualified(visit, crews):
    return [
        crew
        for crew in crews
        if (visit.skill is None or visit.skill in crew.skills)
        and (visit.pinned_to is None or visit.pinned_to == crew.id)
    ]


def before_solving(visit, crews, seconds):
    """A reason no plan could include the order, or None when it is worth solving for."""
    able = qualified(visit, crews)
    if not able:
        if visit.pinned_to is not None and visit.pinned_to not in {c.id for c in crews}:
            return TECHNICIAN_OFF_SHIFT
        return NO_SKILL
    if not any(_reachable(visit, crew, seconds) for crew in able):
        return WINDOW_IMPOSSIBLE if visit.window else OUT_OF_REACH
    if all(crew.max_tasks <= 0 for crew in able):
        return CAPACITY
    return None


def _reachable(visit, crew, seconds):
    """Alone in an empty day, lunch aside: could this technician do it in time?"""
    shift = crew.shift
    start = shift.start + int(seconds[crew.index][visit.index])
    if visit.window:
        if start > visit.window[1]:
            return False
        start = max(start, visit.window[0])
    back = start + visit.service + int(seconds[visit.index][crew.index])
    return back <= shift.end
