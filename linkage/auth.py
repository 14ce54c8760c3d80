"""Who calls the API: an entity's system with its token, or a signed-in person in the browser
(acting for themselves or for the entity they chose)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie

from . import services
from .problems import ApiProblem


@dataclass
class Principal:
    user: object
    entity: object | None
    token: object | None = None


class EntityToken(HttpBearer):
    """`Authorization: Bearer nzj_…`. A token that is wrong, revoked or whose creator no longer
    represents the entity is refused outright (401), never passed on to the session."""

    def authenticate(self, request, token):
        found = services.token_for_secret(token.strip())
        if found is None:
            raise ApiProblem(401, "invalid-token", _("The API token is not valid or was revoked."),
                             headers={"WWW-Authenticate": 'Bearer realm="najiz", error="invalid_token"'})
        wait = services.rate_limited(found)
        if wait:
            raise ApiProblem(
                429,
                "rate-limited",
                _("This token made too many requests. Try again in %(seconds)d seconds."),
                params={"seconds": wait},
                headers={"Retry-After": str(wait)},
            )
        return Principal(user=found.created_by, entity=found.entity, token=found)


class BrowserSession(APIKeyCookie):
    """The portal's session cookie; unsafe methods need the CSRF token too."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        if request.user.is_authenticated:
            return Principal(user=request.user, entity=getattr(request, "acting_entity", None))
        return None
