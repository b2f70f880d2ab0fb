"""Download a plan as its JSON document; import a document as a new project."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.teams import current_team
from planner.access import project_view
from planner.document import PlanDocumentError, plan_document
from planner.document_forms import PlanImportForm
from planner.importing import plan_import
from planner.models import Project

# Multipart framing and the other form fields, on top of the file itself.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


@project_view(Role.VIEWER)
@require_GET
def project_export_json(request: HttpRequest, project: Project) -> HttpResponse:
    body = json.dumps(plan_document(project), indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"{slugify(project.name) or 'plan'}.backplan.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload once it passes the limit (covers requests without a length)."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.PLAN_IMPORT_MAX_BYTES:
            self.request.plan_upload_too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@csrf_exempt  # only so the upload handlers can be set; the view below checks CSRF
@login_required
def project_import(request: HttpRequest) -> HttpResponse:
    request.upload_handlers.insert(0, SizeLimitHandler(request))
    return _project_import(request)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _project_import(request: HttpRequest) -> HttpResponse:
    user = request.user
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if request.method == "POST" and length > settings.PLAN_IMPORT_MAX_BYTES + UPLOAD_OVERHEAD_BYTES:
        # Refuse without parsing the body at all.
        form = PlanImportForm({}, user=user)
        form.refuse_upload()
        return render(request, "planner/document/import.html", {"form": form}, status=413)
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = PlanImportForm(*data, user=user, initial={"team": current_team(request)})
    if getattr(request, "plan_upload_too_large", False):
        form.refuse_upload()
    elif form.is_valid():
        try:
            project = plan_import(team=form.cleaned_data["team"], document=form.parsed, user=user)
        except PlanDocumentError as error:  # the catalogue changed since validation
            form.add_document_errors(error.errors)
        else:
            messages.success(request, f"Imported the plan as “{project.name}”.")
            return redirect("workspace", project_id=project.pk)
    status = 422 if form.is_bound else 200
    return render(request, "planner/document/import.html", {"form": form}, status=status)
