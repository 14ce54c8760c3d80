"""The note's printed form: its verification code, the public verification URL and the PDF."""

import hashlib
import hmac

from django.conf import settings
from django.urls import reverse

from najiz.common import pdf
from najiz.registries import services as registries


def verification_code(number: str) -> str:
    """A short code bound to the instrument number by the site's secret (proves a printout is ours)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"instrument:{number}".encode(), hashlib.sha256).hexdigest().upper()
    return f"{digest[:5]}-{digest[5:10]}"


def verification_url(number: str) -> str:
    path = reverse("verify_instrument:detail", args=[number])
    return f"{settings.SITE_URL.rstrip('/')}{path}?code={verification_code(number)}"


def code_matches(number: str, code: str) -> bool:
    return hmac.compare_digest(verification_code(number), str(code or "").strip().upper())


def note_pdf(note, *, request=None) -> bytes:
    url = verification_url(note.number)
    context = {
        "note": note,
        "chain": registries.endorsement_chain(note.number),
        "code": verification_code(note.number),
        "verify_url": url,
        "qr": pdf.qr_svg(url),
    }
    return pdf.render_pdf("einstruments/pdf/note.html", context, request=request)
