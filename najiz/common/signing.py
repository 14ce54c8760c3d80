"""PAdES signatures on the portal's documents (pyHanko), and the check of a signed copy.

    signed = signing.sign(pdf_bytes)          # every render_pdf() does this
    check = signing.check(uploaded_bytes)     # CheckResult: signed here and unaltered, and which document

The key and its certificate are one PKCS#12 file: PDF_SIGNING_KEY_FILE and PDF_SIGNING_KEY_PASSWORD
(production: the ministry's signing certificate; a deploy check refuses to start without it). In
development `manage.py dev_signing_key` makes a local CA and a signing certificate under var/signing/
(`make run` runs it when there is none). They are loaded once per process and kept: reading an RSA
key costs tens of milliseconds, signing with a loaded one about one.

A signature is ours when it is cryptographically sound, covers the whole file (nothing appended after
signing), and its certificate chains to one of ours (the CA certificates in the PKCS#12 file, or the
signing certificate itself). The document's identity (`najiz.common.documents`) is in the PDF's
metadata, which the signature covers.
"""

import datetime
import io
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

FIELD_NAME = "Najiz"
# Room for the CMS container (signature, signer and CA certificates, signed attributes): 16 KiB of
# hex. Fixed, so pyHanko does not sign twice to measure it.
BYTES_RESERVED = 8192
IDENTITY_KEY = "/najizdocument"  # WeasyPrint writes <meta name="najiz-document"> as /najizdocument

_lock = threading.Lock()
_credentials = None


class SigningUnavailable(RuntimeError):
    """No usable signing key: the file is missing or unreadable, or the password is wrong."""


@dataclass(frozen=True)
class Credentials:
    signer: object  # pyhanko SimpleSigner
    pdf_signer: object  # pyhanko PdfSigner
    trust_roots: tuple  # asn1crypto certificates a signature of ours chains to
    path: str


def _signer_class():
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign.signers.pdf_cms import SimpleSigner
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class LoadedKeySigner(SimpleSigner):
        """pyHanko's SimpleSigner parses the key again for every signature; this one keeps it."""

        def __init__(self, *args, loaded_key, **kwargs):
            super().__init__(*args, **kwargs)
            self._loaded_key = loaded_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "rsassa_pkcs1v15":
                return self._loaded_key.sign(data, PKCS1v15(), hash_algorithm)
            if mechanism == "ecdsa":
                return self._loaded_key.sign(data, ECDSA(hash_algorithm))
            return super().sign_raw(data, digest_algorithm)

    return LoadedKeySigner


def load_credentials(path, password: str) -> Credentials:
    """Read a PKCS#12 file into a signer; SigningUnavailable when it cannot be used."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    if not path:
        raise SigningUnavailable("PDF_SIGNING_KEY_FILE is not set")
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SigningUnavailable(f"cannot read the signing key {path}: {error.strerror}") from error
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, (password or "").encode() or None)
    except ValueError as error:
        raise SigningUnavailable(f"cannot open the signing key {path} (wrong password?)") from error
    if key is None or cert is None:
        raise SigningUnavailable(f"{path} holds no key and certificate")
    signing_cert = translate_pyca_cryptography_cert_to_asn1(cert)
    chain = [translate_pyca_cryptography_cert_to_asn1(other) for other in others]
    store = SimpleCertificateStore()
    store.register_multiple(chain)
    signer = _signer_class()(
        signing_cert=signing_cert,
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=store,
        loaded_key=key,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Najiz — Ministry of Justice",
        location="Riyadh, Saudi Arabia",
    )
    roots = tuple(chain) or (signing_cert,)
    return Credentials(signer=signer, pdf_signer=signers.PdfSigner(meta, signer), trust_roots=roots, path=str(path))


def credentials() -> Credentials:
    """This process's signing credentials, loaded on first use. Outside production a missing key
    is made (the development CA) so that any entry point can render; production never does."""
    global _credentials
    if _credentials is not None:
        return _credentials
    with _lock:
        if _credentials is None:
            path = getattr(settings, "PDF_SIGNING_KEY_FILE", "")
            password = getattr(settings, "PDF_SIGNING_KEY_PASSWORD", "")
            if path and not Path(path).exists() and getattr(settings, "DJANGO_ENV", "") != "production":
                logger.warning("No signing key at %s: creating a development one", path)
                create_development_key(Path(path), password)
            _credentials = load_credentials(path, password)
    return _credentials


def reset() -> None:
    """Forget the loaded credentials (after the settings change, e.g. in a test)."""
    global _credentials
    with _lock:
        _credentials = None


def _outside_event_loop(fn, *args, **kwargs):
    """Run `fn` here, or in a short-lived thread when this thread runs an asyncio loop (an ASGI
    view, a browser driver): pyHanko calls asyncio.run(), which refuses to nest."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _sign(pdf: bytes) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return credentials().pdf_signer.sign_pdf(writer, bytes_reserved=BYTES_RESERVED).getvalue()


def sign(pdf: bytes) -> bytes:
    """The PDF with a PAdES (B-B) signature of the portal added as an incremental update."""
    return _outside_event_loop(_sign, pdf)


# --- checking a copy ------------------------------------------------------------------------


class Problem:
    """Why a file is not a signed document of ours (the upload page words each one)."""

    NOT_PDF = "not_pdf"
    DAMAGED = "damaged"
    ENCRYPTED = "encrypted"
    SCRIPT = "script"
    UNSIGNED = "unsigned"
    ALTERED = "altered"
    FOREIGN = "foreign"  # sound signature, not by our key


@dataclass(frozen=True)
class CheckResult:
    problem: str | None  # None: signed by the portal, unaltered
    identity: str = ""  # what the document says it is (documents.stamp), when problem is None
    signed_at: datetime.datetime | None = None

    @property
    def ours(self) -> bool:
        return self.problem is None


# Names of actions that run code or open other things; none of the portal's documents has one.
_ACTIVE_NAMES = (b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"/RichMedia")  # long enough never to be chance bytes


def _has_script(data: bytes, reader) -> bool:
    if any(name in data for name in _ACTIVE_NAMES):
        return True
    root = reader.root
    if "/AA" in root:
        return True
    action = root.get("/OpenAction")
    if action is not None and hasattr(action, "get") and action.get("/S") in ("/JavaScript", "/Launch"):
        return True
    names = root.get("/Names")
    return names is not None and ("/JavaScript" in names or "/EmbeddedFiles" in names)


def check(data: bytes) -> CheckResult:
    """Whether these bytes are a document the portal signed, unaltered, and which one. Never
    raises on bad input: a problem code says what is wrong."""
    return _outside_event_loop(_check, data)


def _check(data: bytes) -> CheckResult:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not data.lstrip()[:5] == b"%PDF-":
        return CheckResult(Problem.NOT_PDF)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return CheckResult(Problem.ENCRYPTED)
        if _has_script(data, reader):
            return CheckResult(Problem.SCRIPT)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        return CheckResult(Problem.DAMAGED)
    except Exception:  # a malformed file can trip any parser path; it is still only bad input
        logger.info("Unreadable upload", exc_info=True)
        return CheckResult(Problem.DAMAGED)
    if not signatures:
        return CheckResult(Problem.UNSIGNED)
    return _judge_signature(reader, signatures[-1])


def _judge_signature(reader, embedded) -> CheckResult:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=list(credentials().trust_roots), allow_fetching=False)
    try:
        status = validate_pdf_signature(embedded, context)
    except (SignatureValidationError, ValueError, KeyError, TypeError):
        return CheckResult(Problem.ALTERED)
    except Exception:
        logger.info("Signature could not be validated", exc_info=True)
        return CheckResult(Problem.ALTERED)
    if not (status.intact and status.valid) or status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return CheckResult(Problem.ALTERED)
    if not status.trusted:
        return CheckResult(Problem.FOREIGN)
    try:
        identity = str(reader.trailer["/Info"].get(IDENTITY_KEY, ""))
    except (KeyError, TypeError, AttributeError):
        identity = ""
    return CheckResult(None, identity=identity, signed_at=status.signer_reported_dt)


# --- the development CA ---------------------------------------------------------------------

DEV_CA_NAME = "Najiz development CA"
DEV_SIGNER_NAME = "Najiz documents (development)"


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "SA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ministry of Justice (development)"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_usage(*, sign_documents: bool):
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=sign_documents, content_commitment=sign_documents, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=not sign_documents,
        crl_sign=not sign_documents, encipher_only=False, decipher_only=False,
    )


def make_key_pair(*, ca_name: str = DEV_CA_NAME, signer_name: str = DEV_SIGNER_NAME, key_size: int = 2048):
    """(CA certificate, signer key, signer certificate) of a fresh local CA, as cryptography objects."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa

    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    ca_cert = (
        x509.CertificateBuilder().subject_name(_name(ca_name)).issuer_name(_name(ca_name))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(sign_documents=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    cert = (
        x509.CertificateBuilder().subject_name(_name(signer_name)).issuer_name(ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign_documents=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return ca_cert, key, cert


def write_pkcs12(path: Path, password: str, key, cert, chain) -> None:
    """Write key, certificate and chain as a PKCS#12 file (atomically, readable by the owner only)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    encryption = (
        serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(b"najiz-signing", key, cert, list(chain), encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{threading.get_ident()}.tmp")
    temporary.write_bytes(data)
    temporary.chmod(0o600)
    temporary.replace(path)


def create_development_key(path: Path, password: str) -> Path:
    """A local CA (its certificate next to the key, ca.pem, to import into a PDF reader) and a
    signing certificate it issued, in one PKCS#12 file at `path`."""
    from cryptography.hazmat.primitives import serialization

    ca_cert, key, cert = make_key_pair()
    write_pkcs12(path, password, key, cert, [ca_cert])
    (path.parent / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return path
