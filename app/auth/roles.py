"""Who a user is at work: the six roles, their Chinese names, and the named groups routes use.

One name per set of people (SPEC R7): a route asks for a group by what the people in it do,
never by a tuple of its own. `Role` members are strings, so they compare with the strings of
`user.roles` (a person may hold several: `user.holds(*group)`).
"""

from enum import StrEnum


class Role(StrEnum):
    HOTLINE_AGENT = "hotline_agent"
    DISPATCHER = "dispatcher"
    TECHNICIAN = "technician"
    DEPARTMENT_LEAD = "department_lead"
    GENERAL_MANAGER = "general_manager"
    ADMIN = "admin"


ROLES = tuple(role.value for role in Role)
# A person may hold several roles. An endpoint open to more than one acts for them in the role
# that sees most (a lead who is also an agent lists every complaint, as an agent; on a
# lead-only step they act as the lead, narrowed to their department); so do their events.
WIDEST_FIRST = (
    Role.ADMIN,
    Role.GENERAL_MANAGER,
    Role.DISPATCHER,
    Role.HOTLINE_AGENT,
    Role.DEPARTMENT_LEAD,
    Role.TECHNICIAN,
)


def role_set(roles):
    """Roles as stored and shown: each once, in the order of ROLES."""
    held = {str(role) for role in roles}
    return [role for role in ROLES if role in held]


def widest(roles, allowed=()):
    """The role a person acts in: of those they hold (and `allowed`, if given), the widest."""
    held = set(roles) & set(allowed) if allowed else set(roles)
    return next((role for role in WIDEST_FIRST if role in held), None)


NAMES_ZH = {
    Role.HOTLINE_AGENT: "热线坐席",
    Role.DISPATCHER: "调度员",
    Role.TECHNICIAN: "维修工",
    Role.DEPARTMENT_LEAD: "部门领导",
    Role.GENERAL_MANAGER: "总经理",
    Role.ADMIN: "管理员",
}

# Everyone in the office (all but technicians): order lists, the desk, caller search, complaints.
OFFICE = (
    Role.HOTLINE_AGENT,
    Role.DISPATCHER,
    Role.DEPARTMENT_LEAD,
    Role.GENERAL_MANAGER,
    Role.ADMIN,
)
# The office without the hotline: who oversees field work (visits, surveys, bulletins, maps).
SUPERVISORS = (Role.DISPATCHER, Role.DEPARTMENT_LEAD, Role.GENERAL_MANAGER, Role.ADMIN)
# Who reads a visit's record and its signatures: the technician and the supervisors.
FIELD_WORK_READERS = (Role.TECHNICIAN, *SUPERVISORS)
# Who dispatches: assigns, reassigns, plans, sets auto-assignment.
DISPATCH = (Role.DISPATCHER, Role.ADMIN)
# Who reads day plans.
PLAN_READERS = (Role.DISPATCHER, Role.DEPARTMENT_LEAD, Role.ADMIN)
# The counter: 容缺受理 (deferred paperwork) is taken by the hotline.
COUNTER = (Role.HOTLINE_AGENT, Role.ADMIN)
# Who works the front office's lists (the desk, the complaint list): the hotline and its support.
FRONT_OFFICE = (Role.HOTLINE_AGENT, Role.DISPATCHER, Role.ADMIN)
# Who reads the management figures.
MANAGEMENT = (Role.DEPARTMENT_LEAD, Role.GENERAL_MANAGER, Role.ADMIN)
# Who may sign a complaint reply as a leader.
LEADERS = (Role.DEPARTMENT_LEAD, Role.GENERAL_MANAGER)
# Who phones the customer about a complaint (R4.4): the department that handles it, and the
# agent who took it (首接责任制: they follow it to the end); the services check which complaint.
COMPLAINT_CALLERS = (Role.HOTLINE_AGENT, Role.DEPARTMENT_LEAD)
# Who is told when an outage passes 24 h and emergency water must be arranged (R8).
EMERGENCY_WATER = (Role.DISPATCHER, Role.DEPARTMENT_LEAD)
# Who sees a customer's full phone number; everyone else sees 138****5678 (R7).
SEE_PHONE_NUMBERS = (Role.HOTLINE_AGENT, Role.DISPATCHER, Role.TECHNICIAN, Role.DEPARTMENT_LEAD)
