"""Deed documents: the verification code printed on a deed and its PDF."""

import hashlib
import hmac

from django.conf import settings
from django.urls import reverse

from najiz.common import pdf
from najiz.registries import services as registries


def verification_code(deed_number: str) -> str:
    """A short code bound to the deed number by the site's secret: it proves a printed deed came
    from the portal. Ten characters, grouped for reading."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"deed:{deed_number}".encode(), hashlib.sha256).hexdigest().upper()
    return f"{digest[:5]}-{digest[5:10]}"


def verification_url(deed_number: str) -> str:
    path = reverse("verify:deed", args=[deed_number])
    return f"{settings.SITE_URL.rstrip('/')}{path}?code={verification_code(deed_number)}"


def code_matches(deed_number: str, code: str) -> bool:
    return hmac.compare_digest(verification_code(deed_number), str(code or "").strip().upper())


def deed_pdf(deed, *, request=None) -> bytes:
    url = verification_url(deed.number)
    context = {
        "deed": deed,
        "owners": deed.owner_rows.select_related("person").all(),
        "encumbrances": registries.active_encumbrances(deed),
        "code": verification_code(deed.number),
        "verify_url": url,
        "qr": pdf.qr_svg(url),
    }
    return pdf.render_pdf("conveyance/pdf/deed.html", context, request=request)
