"""Health for load balancers and monitors, and the admin's view of the job machinery."""

from flask import Blueprint as FlaskBlueprint
from flask import current_app, jsonify, render_template, request
from flask.views import MethodView

from app.auth.roles import Role
from app.common.transaction import commits
from app.extensions import Blueprint
from app.ops import failed, health, reconcile
from app.ops.schemas import OpsFailedJobSchema, OpsStatusSchema, OpsSweepFindingsSchema

pages = FlaskBlueprint(
    "ops_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/ops/static",
)
blp = Blueprint("ops", __name__, url_prefix="/api/ops", description="运维 / Operations")


@pages.get("/healthz")
def healthz():
    """The process answers: nothing else is checked (a liveness probe)."""
    return jsonify(status="ok")


@pages.get("/readyz")
def readyz():
    """503 without PostgreSQL (or, with ?strict=1, on any problem); the body says what is wrong."""
    report = health.readiness()
    strict = request.args.get("strict") in ("1", "true")
    bad = report["status"] == "down" or (strict and report["status"] != "ok")
    return jsonify(report), 503 if bad else 200


@pages.get("/ops/")
def ops_page():
    return render_template("ops/ops.html", poll_seconds=current_app.config["OPS_POLL_SECONDS"])


@blp.route("/status")
class StatusViews(MethodView):
    @blp.auth(Role.ADMIN)
    @blp.response(200, OpsStatusSchema)
    def get(self):
        """Readiness, workers, queues, failed jobs and the sweep's last findings"""
        return {
            **health.readiness(),
            "sweep": health.sweep_findings(),
            "failed_jobs": failed.listing(),
        }


@blp.route("/failed/<job_id>/retry")
class RetryViews(MethodView):
    @blp.auth(Role.ADMIN)
    @blp.response(200, OpsFailedJobSchema)
    @commits
    def post(self, job_id):
        """Put a failed job back on its queue (it is idempotent: running it again is safe)"""
        return failed.retry(job_id)


@blp.route("/reconcile")
class ReconcileViews(MethodView):
    @blp.auth(Role.ADMIN)
    @blp.response(200, OpsSweepFindingsSchema)
    @commits
    def post(self):
        """Run the reconciliation sweep now and return its findings"""
        findings = reconcile.sweep()
        return findings
