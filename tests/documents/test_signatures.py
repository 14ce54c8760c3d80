"""Every official PDF carries the portal's PAdES signature: pyHanko's validation and poppler's
pdfsig both find it valid, and a copy with one byte of its content changed fails both."""

import io
import re
import shutil
import subprocess

import pytest
from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from najiz.common import documents

from .conftest import KINDS

pytestmark = pytest.mark.django_db
needs_pdfsig = pytest.mark.skipif(not shutil.which("pdfsig"), reason="needs poppler-utils (scripts/system-deps.sh)")


def trust_root(ca_path):
    _type, _headers, der = pem.unarmor(ca_path.read_bytes())
    return x509.Certificate.load(der)


def pyhanko_status(data, root):
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    assert len(reader.embedded_signatures) == 1
    return validate_pdf_signature(reader.embedded_signatures[0], ValidationContext(trust_roots=[root]))


def pdfsig(data, tmp_path):
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, timeout=60).stdout.decode()


def one_byte_changed(data: bytes) -> bytes:
    """A byte inside the first content stream (signed: the signature covers all but itself)."""
    start = re.search(rb"stream\r?\n", data).end() + 16
    changed = bytearray(data)
    changed[start] ^= 0x01
    return bytes(changed)


@needs_pdfsig
def test_every_document_is_signed_and_a_changed_byte_breaks_the_signature(fetch, signing_key, tmp_path):
    root = trust_root(signing_key[1])
    for kind in KINDS:
        data = fetch(kind)
        status = pyhanko_status(data, root)
        assert status.bottom_line and status.intact and status.valid and status.trusted, kind
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE, kind
        assert "Najiz" in status.signing_cert.subject.human_friendly, kind
        report = pdfsig(data, tmp_path)
        assert "Signature is Valid." in report and "Total document signed" in report, (kind, report)
        assert documents.judge(data).outcome == documents.Outcome.CURRENT, kind

        tampered = one_byte_changed(data)
        status = pyhanko_status(tampered, root)
        assert not status.intact and not status.bottom_line, kind
        assert "Signature is Valid." not in pdfsig(tampered, tmp_path), kind
        assert documents.judge(tampered).outcome == documents.Outcome.NOT_OURS, kind
