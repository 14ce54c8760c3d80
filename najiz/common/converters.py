"""Path converters that match only the shape of the identifier they stand for.

A URL with anything else in that place (a NUL byte, a long string, another script) matches no
route, so it is a 404 before any view or query runs. Registered once, when the app loads
(CommonConfig.ready); every urls.py names them: <case:number>, <bill:bill_number>,
<gateway:token>, <deed:number>.
"""

from django.urls import register_converter


class _Shape:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


class CaseNumber(_Shape):
    """EN-2026-000001, CV-…, PN-…: prefix, year and serial (casefile.services.next_case_number);
    the serial grows past six digits, within the 20 characters of the number columns."""

    regex = r"[A-Z]{2}-[0-9]{4}-[0-9]{6,12}"


class BillNumber(_Shape):
    """A SADAD bill number: 11 digits (payments.services.new_bill_number)."""

    regex = r"[0-9]{11}"


class GatewayToken(_Shape):
    """A checkout session's token: URL-safe base64 (secrets.token_urlsafe), within its column."""

    regex = r"[A-Za-z0-9_-]{16,64}"


class DeedNumber(_Shape):
    """A deed number: 12 digits for electronic deeds; letters and dashes in older registries'
    numbers, within the column's 20 characters."""

    regex = r"[0-9A-Za-z][0-9A-Za-z-]{0,19}"


def register() -> None:
    register_converter(CaseNumber, "case")
    register_converter(BillNumber, "bill")
    register_converter(GatewayToken, "gateway")
    register_converter(DeedNumber, "deed")
