"""Test-only routes: responses the API itself doesn't produce, to test the Lambda adapter."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from config.urls import handler400, handler404, handler500  # noqa: F401  (the API's JSON errors)


def cookies(request: HttpRequest) -> HttpResponse:
    response = JsonResponse({"ok": True})
    response.set_cookie("first", "1")
    response.set_cookie("second", "2")
    return response


def binary(request: HttpRequest) -> HttpResponse:
    return HttpResponse(bytes(range(256)), content_type="application/octet-stream")


@csrf_exempt
def request_info(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "method": request.method,
            "path": request.path,
            "path_info": request.path_info,
            "query": request.GET.dict(),
            "body": request.body.decode("latin-1"),
            "content_type": request.content_type,
            "is_secure": request.is_secure(),
            "host": request.get_host(),
            "remote_addr": request.META.get("REMOTE_ADDR"),
            "cookies": request.COOKIES,
            "x_custom": request.headers.get("X-Custom"),
        }
    )


urlpatterns = [
    path("test/cookies/", cookies),
    path("test/binary/", binary),
    path("test/request/", request_info),
    path("", include("config.urls")),
]
