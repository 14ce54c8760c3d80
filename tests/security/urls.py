"""Every URL of the site, from the resolver, with real arguments filled in from the security world."""

import re

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse


def walk(patterns=None, prefix="", namespace=""):
    """(route, view name, pattern) for every URL pattern, route being the full pattern text."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name, pattern


def admin_model_routes() -> set[str]:
    """The routes Django's admin makes for each registered model (one rule classifies them all)."""
    routes = set()
    for model in admin.site._registry:
        base = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        routes |= {base, base + "add/", base + "<path:object_id>/", base + "<path:object_id>/change/",
                   base + "<path:object_id>/delete/", base + "<path:object_id>/history/"}
    return routes


def site_routes():
    """All routes except the token API (its own matrix) and the admin's per-model routes."""
    models = admin_model_routes()
    return [(route, name) for route, name, _ in walk() if not route.startswith("api/v1/") and route not in models]


def api_routes():
    return [(route, name) for route, name, _ in walk() if route.startswith("api/v1/")]


def path_for(name: str, kwargs: dict) -> str:
    return reverse(name, kwargs=kwargs)


def params_of(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route) and [
        a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    ]
