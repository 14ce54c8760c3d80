"""Public verification: upload a PDF and hear whether the portal issued it (valid and current,
valid but superseded, altered or not issued here), and the page of one document that its QR code
opens (`record_page`), without a login.

An upload is read in memory, up to VERIFY_UPLOAD_MAX_BYTES, judged and dropped: never written to
disk, never kept. A request that announces a larger body is answered before any of it is read.
"""

import io
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from . import documents, signing

FIELD = "document"
# The multipart envelope around the file (boundaries, headers, the CSRF token) is small.
ENVELOPE_BYTES = 16 * 1024


class InMemoryUpload(FileUploadHandler):
    """Keeps the uploaded file in memory, never in a temporary file, and drops it past the limit."""

    def __init__(self, request=None, limit: int = 0):
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self._buffer = None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        if self._buffer is None or self.field_name != FIELD:
            raise SkipFile
        if self._buffer.tell() + len(raw_data) > self.limit:
            self.too_large = True
            self._buffer = None
            raise SkipFile
        self._buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self._buffer is None:
            return None
        self._buffer.seek(0)
        return InMemoryUploadedFile(
            file=self._buffer, field_name=self.field_name, name=self.file_name, content_type=self.content_type,
            size=file_size, charset=self.charset, content_type_extra=self.content_type_extra,
        )


def _limit_mb() -> str:
    return f"{settings.VERIFY_UPLOAD_MAX_BYTES / (1024 * 1024):g}"


PROBLEMS = {
    signing.Problem.NOT_PDF: lambda: _(
        "This file is not a PDF document. Upload the PDF exactly as you downloaded it from Najiz."),
    signing.Problem.DAMAGED: lambda: _("This PDF file is damaged and cannot be read."),
    signing.Problem.ENCRYPTED: lambda: _(
        "This PDF is protected by a password. Documents issued by Najiz never are: upload the copy as downloaded."),
    signing.Problem.SCRIPT: lambda: _(
        "This PDF contains JavaScript or other active content, which documents issued by Najiz never do."),
    signing.Problem.UNSIGNED: lambda: _("This PDF does not carry the Najiz digital signature."),
    signing.Problem.ALTERED: lambda: _(
        "The digital signature does not match the contents: the document was changed after it was issued."),
    signing.Problem.FOREIGN: lambda: _("This PDF is signed, but not with the Najiz signing key."),
    documents.UNKNOWN: lambda: _("The registry holds no document matching this one."),
}
# Input that is not a document at all is a 400; a document that is not ours is an answer (200).
BAD_INPUT = {signing.Problem.NOT_PDF, signing.Problem.DAMAGED, signing.Problem.ENCRYPTED, signing.Problem.SCRIPT}


def _page(request, *, status=200, verdict=None, error="", reason=""):
    record_url = verdict.record.url if verdict is not None and verdict.record is not None else ""
    context = {
        "verdict": verdict, "error": error, "reason": reason, "limit_mb": _limit_mb(),
        "Outcome": documents.Outcome, "field": FIELD,
        # a link on this site: its path, whatever host the record's absolute URL names
        "record_path": urlsplit(record_url)._replace(scheme="", netloc="").geturl() if record_url else "",
    }
    return render(request, "common/verify.html", context, status=status)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def verify_upload(request):
    """GET: the upload form. POST: the verdict on the uploaded PDF."""
    if request.method == "GET":
        return _page(request)
    limit = settings.VERIFY_UPLOAD_MAX_BYTES
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    if announced > limit + ENVELOPE_BYTES:
        # Answered unread: nothing of a body this size is taken in.
        return _too_large(request)
    handler = InMemoryUpload(request, limit)
    request.upload_handlers = [handler]
    return _judge_upload(request, handler)


def _too_large(request):
    response = _page(request, status=413, error=_("The file is larger than %(size)s MB; a document issued by "
                                                  "Najiz is far smaller.") % {"size": _limit_mb()})
    response["Connection"] = "close"
    return response


@csrf_protect
def _judge_upload(request, handler):
    upload = request.FILES.get(FIELD)
    if handler.too_large:
        return _too_large(request)
    if upload is None:
        return _page(request, status=400, error=_("Choose the PDF file to verify."))
    data = upload.read()
    upload.close()
    verdict = documents.judge(data)
    del data
    if verdict.problem in BAD_INPUT:
        return _page(request, status=400, error=PROBLEMS[verdict.problem]())
    reason = PROBLEMS[verdict.problem]() if verdict.problem else ""
    return _page(request, verdict=verdict, reason=reason)


def record_page(request, kind_name: str, reference: str):
    """The public page of one document (what its QR code opens): is it on record and current, does
    the code match; only the facts its kind chose to show anyone."""
    kind = documents.kind(kind_name)
    if kind is None:
        raise Http404
    record = kind.lookup(reference)
    given = request.GET.get("code", "")[:40]
    context = {
        "kind": kind, "reference": reference, "record": record, "code_given": bool(given),
        "code_ok": record is not None and bool(given) and documents.code_matches(kind_name, reference, given),
    }
    return render(request, "common/verify_record.html", context, status=200 if record else 404)
