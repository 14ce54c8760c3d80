"""The portal's URLs and one view that fails, for the error pages under DEBUG."""

from django.urls import path

from najiz.urls import urlpatterns as portal


def boom(request):
    raise RuntimeError("a view that fails")


urlpatterns = [path("boom/", boom), *portal]
