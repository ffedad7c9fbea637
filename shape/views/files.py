"""Downloads of a plan's private files, for those who may see the plan.

Attachments and evidence are never served from a public media URL: every download goes
through the plan's access check and arrives as an attachment, never rendered inline.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from shape import selectors
from shape.models import Attachment, ChecklistAnswer


def _file_response(field_file) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=field_file.name.rsplit("/", 1)[-1])


@login_required
@require_safe
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    attachment = get_object_or_404(Attachment, plan=plan, pk=attachment_id)
    return _file_response(attachment.file)


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int, answer_id: int) -> FileResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    answer = get_object_or_404(ChecklistAnswer, plan=plan, pk=answer_id)
    if not answer.evidence_file:
        raise Http404
    return _file_response(answer.evidence_file)
