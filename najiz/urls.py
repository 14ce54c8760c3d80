from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from linkage.api import api
from najiz.common import verify, views as common_views
from operations import views as operations_views

urlpatterns = [
    path("", common_views.home, name="home"),
    path("healthz", common_views.healthz, name="healthz"),
    path("help/<slug:service>/", common_views.help_page, name="help"),
    path("accessibility/", common_views.accessibility, name="accessibility"),
    path("metrics", operations_views.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("najiz.accounts.urls")),
    path("enforcement/", include("enforcement.urls")),
    path("conveyance/", include("conveyance.urls")),
    path("verify/", verify.verify_upload, name="verify_document"),
    path("verify/instrument/", include("einstruments.verify_urls")),
    path("verify/", include("conveyance.verify_urls")),
    path("verify/", include("enforcement.verify_urls")),
    path("verify/", include("payments.verify_urls")),
    path("instruments/", include("einstruments.urls")),
    path("api/v1/", api.urls),
    path("linkage/", include("linkage.urls")),
    path("supervision/", include("supervision.urls")),
    path("operations/", include("operations.urls")),
    path("payments/", include("payments.urls")),
    path("notifications/", include("notifications.urls")),
    # Staff sign in through the throttled staff login, never Django's own admin form.
    path(
        "admin/login/", RedirectView.as_view(pattern_name="accounts:staff_login", query_string=True), name="admin_login"
    ),
    path("admin/", admin.site.urls),
]
if settings.NAFATH_SIMULATOR:
    urlpatterns.append(path("nafath/", include("najiz.accounts.nafath_urls")))
if settings.PAYMENT_GATEWAY_SIMULATOR:
    urlpatterns.append(path("gateway/", include("payments.gateway_urls")))
# The demo clock's buttons answer 404 unless DEMO_CLOCK is on; production does not even mount them.
if not settings.PRODUCTION:
    urlpatterns.append(path("demo/", include("demo.urls")))

handler400 = "najiz.common.views.bad_request"
handler403 = "najiz.common.views.permission_denied"
handler404 = "najiz.common.views.page_not_found"
handler500 = "najiz.common.views.server_error"
