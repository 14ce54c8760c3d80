"""System checks of the deployment (they run with every `manage.py check`, `--deploy` included,
and before `migrate`): no simulator (nor the demo clock) in production, and a pay button that leads somewhere real."""

from django.conf import settings
from django.core.checks import Error, Tags, register

SIMULATORS = {
    "NAFATH_SIMULATOR": ("najiz.E001", "the Nafath simulator (/nafath/) lets anyone sign in as anyone"),
    "PAYMENT_GATEWAY_SIMULATOR": (
        "najiz.E002",
        "the payment gateway simulator (/gateway/) records payments no bank made",
    ),
    "DEMO_CLOCK": ("najiz.E006", "the demo clock (/demo/clock/) lets anyone move the portal's time and its deadlines"),
}
ADAPTERS = {"simulator", "http", ""}


@register(Tags.security)
def no_simulator_in_production(app_configs=None, **kwargs):
    if getattr(settings, "DJANGO_ENV", "") != "production":
        return []
    return [
        Error(
            f"{name} is on with DJANGO_ENV=production: {harm}.",
            hint=f"Unset {name} (it defaults to off in production).",
            id=code,
        )
        for name, (code, harm) in SIMULATORS.items()
        if getattr(settings, name, False)
    ]


@register(Tags.security)
def payment_gateway_configured(app_configs=None, **kwargs):
    adapter = getattr(settings, "PAYMENT_GATEWAY", "")
    if adapter not in ADAPTERS:
        return [
            Error(
                f"PAYMENT_GATEWAY={adapter!r} names no gateway adapter.",
                hint='Use "simulator", "http" or leave it empty.',
                id="najiz.E003",
            )
        ]
    if adapter == "http" and not (
        getattr(settings, "PAYMENT_GATEWAY_URL", "") and getattr(settings, "GATEWAY_SECRET", "")
    ):
        return [Error("PAYMENT_GATEWAY=http needs PAYMENT_GATEWAY_URL and GATEWAY_SECRET.",
                      hint="Without them the invoice page offers no online payment.", id="najiz.E004")]
    if adapter == "simulator" and not getattr(settings, "PAYMENT_GATEWAY_SIMULATOR", False):
        return [Error("PAYMENT_GATEWAY=simulator while PAYMENT_GATEWAY_SIMULATOR is off.",
                      hint="Configure the http adapter, or leave PAYMENT_GATEWAY empty.", id="najiz.E005")]
    return []


@register(Tags.security)
def signing_key_configured(app_configs=None, **kwargs):
    """Production signs every document with the ministry's key: without one no PDF can be issued."""
    if getattr(settings, "DJANGO_ENV", "") != "production":
        return []
    from .signing import SigningUnavailable, load_credentials

    path = getattr(settings, "PDF_SIGNING_KEY_FILE", "")
    if not path or not getattr(settings, "PDF_SIGNING_KEY_PASSWORD", ""):
        return [Error("PDF_SIGNING_KEY_FILE and PDF_SIGNING_KEY_PASSWORD must be set in production.",
                      hint="The PKCS#12 file of the document-signing certificate and its password "
                           "(docs/operations.md, signing key).", id="najiz.E007")]
    try:
        load_credentials(path, settings.PDF_SIGNING_KEY_PASSWORD)
    except SigningUnavailable as error:
        return [Error(f"The document-signing key cannot be used: {error}.",
                      hint="Check the file, its permissions and PDF_SIGNING_KEY_PASSWORD.", id="najiz.E008")]
    return []
