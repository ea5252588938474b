from urllib.parse import quote

import sqlalchemy as sa
from flask import Response
from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import OFFICE, Role
from app.common.transaction import commits
from app.complaints import access, documents
from app.complaints.blueprint import blp
from app.complaints.models import ComplaintDocument
from app.complaints.schemas import (
    ComplaintAttachmentCreateSchema,
    ComplaintAttachmentTitleSchema,
    ComplaintDocumentSchema,
)
from app.errors import NotFound
from app.extensions import db


@blp.route("/<int:complaint_id>/documents")
class DocumentViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, ComplaintDocumentSchema(many=True))
    def get(self, complaint_id):
        """The complaint's archive: records, attachments, sent replies (nothing is deleted)"""
        return access.get_for(current_user(), complaint_id).documents

    @blp.auth(Role.HOTLINE_AGENT, Role.DEPARTMENT_LEAD, Role.GENERAL_MANAGER)
    @blp.arguments(ComplaintAttachmentCreateSchema, location="files")
    @blp.arguments(ComplaintAttachmentTitleSchema, location="form")
    @blp.response(201, ComplaintDocumentSchema)
    @commits
    def post(self, files, form, complaint_id):
        """Attach a file (JPEG, PNG, PDF, MP3 or WAV; size-limited) to the archive"""
        complaint = access.get_for(current_user(), complaint_id, lock=True)
        document = documents.add_attachment(
            complaint, files["file"], form.get("title"), current_user()
        )
        return document


@blp.route("/<int:complaint_id>/documents/<int:document_id>")
class DocumentByIdViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, description="The archived file, checked against its sha256")
    def get(self, complaint_id, document_id):
        """Download one archived document"""
        complaint = access.get_for(current_user(), complaint_id)
        document = db.session.scalar(
            sa.select(ComplaintDocument).where(
                ComplaintDocument.id == document_id, ComplaintDocument.complaint_id == complaint.id
            )
        )
        if document is None:
            raise NotFound(f"文件不存在 / document {document_id} not found")
        response = Response(documents.read(document), mimetype=document.content_type)
        response.headers["Content-Disposition"] = _disposition(document.filename)
        response.headers["X-Content-SHA256"] = document.sha256
        return response


def _disposition(filename):
    return f"attachment; filename*=UTF-8''{quote(filename)}"
