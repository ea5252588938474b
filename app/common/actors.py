"""Who acted when no person did: the labels events carry as their actor (`system:<what>`).

A person's label is `<role>:<username>` (app/workorders/services.py `actor_fields`).
"""

ROUTER = "system:router"  # routing, assignment offers and pre-emption (app/dispatch)
ESCALATION = "system:escalation"  # an emergency no one accepted in time
SLA_WATCH = "system:sla_watch"  # an order's deadline state changed
COMPLAINT_CLOCK = "system:complaint-clock"  # a complaint's hand-off or handling clock
WEEKLY_BULLETIN = "system:weekly-bulletin"  # the weekly complaint bulletin
