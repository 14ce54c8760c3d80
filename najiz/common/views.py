from django.http import HttpResponse, JsonResponse


def home(request):
    return HttpResponse("<html lang='ar' dir='rtl'><body>ناجز</body></html>")


def healthz(request):
    return JsonResponse({"status": "ok"})


def bad_request(request, exception=None):
    return HttpResponse(status=400)


def permission_denied(request, exception=None):
    return HttpResponse(status=403)


def page_not_found(request, exception=None):
    return HttpResponse(status=404)


def server_error(request):
    return HttpResponse(status=500)
