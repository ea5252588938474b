"""The complaint's archive (资料备档): records, attachments and sent replies, kept as files.

Files are content-addressed under STORAGE_DIR/complaints/<id>/; rows are append-only, so a
document, once archived, is never replaced or removed.
"""

import hashlib
import os
import tempfile

from flask import current_app

from app.complaints import events, renderers
from app.complaints.models import ComplaintDocument
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db

# Sniffed from the bytes, never trusted from the client: (content type, extension, prefixes).
ALLOWED = (
    ("image/jpeg", ".jpg", (b"\xff\xd8\xff",)),
    ("image/png", ".png", (b"\x89PNG\r\n\x1a\n",)),
    ("application/pdf", ".pdf", (b"%PDF-",)),
    ("audio/mpeg", ".mp3", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
)
RECORD_RELATIONS = (
    "customer",
    "department",
    "received_by",
    "work_order",
    "contacts",
    "replies",
    "follow_ups",
)


def sniff(data):
    """(content type, extension) of an allowed file, or None."""
    for content_type, ext, prefixes in ALLOWED:
        if data.startswith(prefixes):
            return content_type, ext
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":  # a recorded call
        return "audio/wav", ".wav"
    return None


def add_attachment(complaint, upload, title, user):
    data = upload.read()
    limit = current_app.config["COMPLAINT_ATTACHMENT_MAX_BYTES"]
    if not data:
        raise Invalid(errors={"file": ["文件为空 / the file is empty"]})
    if len(data) > limit:
        raise Invalid(errors={"file": [f"文件过大 / file over {limit} bytes"]})
    kind = sniff(data)
    if kind is None:
        raise Invalid(
            errors={
                "file": ["仅接受JPEG、PNG、PDF、MP3、WAV / only JPEG, PNG, PDF, MP3 or WAV files"]
            }
        )
    if kind[0].startswith("image/"):
        data = _reencoded(data)
    filename = os.path.basename(upload.filename or "") or f"attachment{kind[1]}"
    document = store(
        complaint, "attachment", title or filename, filename[:200], kind[0], data, user
    )
    events.record(
        complaint,
        "document_added",
        user,
        document_id=document.id,
        sha256=document.sha256,
        filename=document.filename,
    )
    return document


def _reencoded(data):
    """A photo of the scene is stored as Pillow decoded and wrote it again (audit item 4)."""
    from app.visits import images

    config = current_app.config
    try:
        return images.normalise(data, config["IMAGE_MAX_PIXELS"], config["IMAGE_MAX_SIDE"])[3]
    except images.NotAnImage as exc:
        raise Invalid(errors={"file": [str(exc)]}) from exc


def archive_record(complaint, title, user):
    """Render the 用户投诉记录表 as it stands now and keep it."""
    db.session.flush()
    db.session.expire(complaint, RECORD_RELATIONS)  # reload what this request just changed
    html = renderers.render_record(complaint).encode("utf-8")
    name = f"{complaint.number}-record.html"
    return store(complaint, "record", title, name, "text/html; charset=utf-8", html, user)


def archive_reply(complaint, reply, user):
    lines = [
        f"投诉编号 / Complaint: {complaint.number}",
        f"答复 / Reply #{reply.id}",
        f"SHA-256: {reply.body_sha256}",
        "",
    ]
    for approval in reply.approvals:
        lines.append(
            f"{approval.decision} by {approval.signer_name} at "
            f"{approval.signed_at.isoformat()} (sha256 {approval.body_sha256})"
        )
    data = ("\n".join(lines) + "\n\n" + reply.body + "\n").encode("utf-8")
    name = f"{complaint.number}-reply-{reply.id}.txt"
    return store(
        complaint, "reply", f"已发出答复 #{reply.id}", name, "text/plain; charset=utf-8", data, user
    )


def store(complaint, kind, title, filename, content_type, data, user):
    digest = hashlib.sha256(data).hexdigest()
    key = f"complaints/{complaint.id}/{digest}{os.path.splitext(filename)[1][:10]}"
    _write_once(os.path.join(current_app.config["STORAGE_DIR"], key), data)
    document = ComplaintDocument(
        complaint_id=complaint.id,
        kind=kind,
        title=title[:200],
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        storage_key=key,
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(document)
    db.session.flush()
    return document


def read(document):
    """The stored bytes, checked against the archived sha256."""
    path = os.path.join(current_app.config["STORAGE_DIR"], document.storage_key)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        raise NotFound("归档文件缺失 / archived file missing") from exc
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise Conflict(
            "归档文件校验失败 / archived file does not match its checksum", code="archive_corrupted"
        )
    return data


def _write_once(path, data):
    """Content-addressed: an existing file already holds these bytes; write atomically."""
    if os.path.exists(path):
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
