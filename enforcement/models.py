from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Circuit(models.Model):
    """An enforcement circuit (دائرة التنفيذ) of a court in a city, with its judges."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    court_ar = models.CharField(_("court (Arabic)"), max_length=200)
    court_en = models.CharField(_("court (English)"), max_length=200)
    city = models.CharField(_("city"), max_length=60, db_index=True)
    judges = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="circuits", verbose_name=_("judges"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("enforcement circuit")
        verbose_name_plural = _("enforcement circuits")

    def __str__(self):
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "ar").startswith("en") else self.name_ar
