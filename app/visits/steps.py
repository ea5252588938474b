"""Every phone step, once: its schema, service verb, response and path.

The single endpoints are generated from this table (routes.py) and POST /api/sync dispatches
to it (sync.py), so a step queued offline runs exactly the code a live request runs. Domains
above visits add their steps with `register` (app/signatures/steps.py) and route them on
their own blueprint with `routed_here=False`.
"""

from dataclasses import dataclass

from app.auth.roles import DISPATCH, Role
from app.visits import customer, records, schemas, services
from app.workorders.schemas import WorkOrderDetailSchema


@dataclass(frozen=True)
class Step:
    action: str
    view_name: str
    schema: type
    handler: object
    result: type
    summary: str
    status: int = 200
    method: str = "POST"
    roles: tuple = (Role.TECHNICIAN,)
    fixed_path: str | None = None  # steps that are not under /api/workorders/<id>/
    routed_here: bool = True  # False: the single endpoint belongs to another package
    label: str = ""  # what the phone calls the step (served to it, app/mobile/tables.py)
    moves: str | None = None  # the state-machine action it takes (app/workorders/states.py)

    @property
    def order_scoped(self):
        return self.fixed_path is None

    def path(self, order_id):
        return self.fixed_path or f"/api/workorders/{order_id}/{self.action}"


STEPS = {
    step.action: step
    for step in (
        Step(
            "accept",
            "AcceptViews",
            schemas.StepSchema,
            services.accept_assignment,
            WorkOrderDetailSchema,
            "Accept an order assigned to me (dispatch's endpoint)",
            routed_here=False,
            label="接单",
            moves="accept",
        ),
        Step(
            "decline",
            "DeclineViews",
            schemas.DeclineStepSchema,
            services.decline_assignment,
            WorkOrderDetailSchema,
            "Decline an order assigned to me (dispatch's endpoint)",
            routed_here=False,
            label="拒单",
            moves="decline",
        ),
        Step(
            "contact-attempts",
            "ContactAttemptViews",
            schemas.ContactAttemptSchema,
            services.contact_attempt,
            schemas.StepResultSchema,
            "Record a call to the customer: called, no answer, or time agreed",
            status=201,
            label="联系客户",
        ),
        Step(
            "appointment",
            "AppointmentViews",
            schemas.AppointmentSchema,
            services.set_appointment,
            schemas.StepResultSchema,
            "Set the appointment window agreed with the customer (R3.1)",
            label="预约上门时间",
            moves="schedule",
        ),
        Step(
            "reschedule",
            "RescheduleViews",
            schemas.RescheduleSchema,
            services.reschedule,
            schemas.StepResultSchema,
            "Reschedule before the window starts, with the reason and how the customer was told",
            roles=(Role.TECHNICIAN, *DISPATCH),
            label="改约",
            moves="schedule",
        ),
        Step(
            "depart",
            "DepartViews",
            schemas.StepSchema,
            services.depart,
            schemas.StepResultSchema,
            "On my way (en route)",
            label="出发",
            moves="depart",
        ),
        Step(
            "arrive",
            "ArriveViews",
            schemas.ArriveSchema,
            services.arrive,
            schemas.StepResultSchema,
            "Arrived: position, accuracy and device time; far arrivals are flagged (R3.5)",
            label="到场",
            moves="arrive",
        ),
        Step(
            "checklist",
            "ChecklistViews",
            schemas.ChecklistTickSchema,
            services.tick_checklist,
            schemas.StepResultSchema,
            "Tick one door checklist item with its time and position",
            status=201,
            label="上门服务规范",
        ),
        Step(
            "work-record",
            "WorkRecordViews",
            schemas.WorkRecordSchema,
            services.update_work_record,
            schemas.VisitSchema,
            "Save notes, parts used and the old and new meter of a replacement",
            method="PUT",
            label="维修记录",
        ),
        Step(
            "violations",
            "ViolationViews",
            schemas.ViolationCreateSchema,
            records.report_violation,
            schemas.ViolationReportSchema,
            "Report violation or theft with photos and notes; referred to inspection (R3.6)",
            status=201,
            label="违约用水/窃水报告",
        ),
        Step(
            "complete",
            "CompleteViews",
            schemas.CompleteSchema,
            services.complete,
            schemas.StepResultSchema,
            "Complete the work: needs arrival and work ID shown (409 names what is missing)",
            label="完工",
            moves="complete",
        ),
        Step(
            "satisfaction",
            "SatisfactionViews",
            schemas.SatisfactionCreateSchema,
            customer.submit_on_phone,
            schemas.SatisfactionFormSchema,
            "The customer fills the satisfaction form on the technician's phone (R3.8)",
            status=201,
            label="征求意见书",
        ),
    )
}


def register(*steps):
    """Add the steps of a package above visits (it imports this one, never the reverse)."""
    for step in steps:
        if step.action in STEPS:
            raise ValueError(f"phone step {step.action!r} registered twice")
        STEPS[step.action] = step
