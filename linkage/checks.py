"""System checks of the business linkage."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def webhooks_stay_outside(app_configs, **kwargs):
    """Production never sends webhooks into its own network (the services ignore the setting
    there too); this says so instead of ignoring it in silence."""
    if settings.PRODUCTION and getattr(settings, "LINKAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False):
        return [Error(
            "LINKAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES is on with DJANGO_ENV=production.",
            hint="Unset it: webhooks may go to loopback and private addresses only in development and tests.",
            id="linkage.E001",
        )]
    return []
