"""Cities, stored as stable codes ("riyadh") and shown with Arabic / English labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class City(models.TextChoices):
    RIYADH = "riyadh", _("Riyadh")
    JEDDAH = "jeddah", _("Jeddah")
    MAKKAH = "makkah", _("Makkah")
    MADINAH = "madinah", _("Madinah")
    DAMMAM = "dammam", _("Dammam")
    KHOBAR = "khobar", _("Al Khobar")
    AHSA = "ahsa", _("Al-Ahsa")
    TAIF = "taif", _("Taif")
    BURAYDAH = "buraydah", _("Buraydah")
    ABHA = "abha", _("Abha")
    TABUK = "tabuk", _("Tabuk")
    HAIL = "hail", _("Hail")
    JAZAN = "jazan", _("Jazan")
    NAJRAN = "najran", _("Najran")


CAPITAL = City.RIYADH.value


def city_label(code) -> str:
    """The city's name in the active language (the code itself when it is not a known city)."""
    try:
        return str(City(code).label)
    except ValueError:
        return str(code or "")
