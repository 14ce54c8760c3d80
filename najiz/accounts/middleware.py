from . import services, sessions


def person_for_request(request):
    """The signed-in user's civil-registry person, looked up at most once per request."""
    if not hasattr(request, "_accounts_person"):
        request._accounts_person = services.person_of(request.user)
    return request._accounts_person


class ActingAsMiddleware:
    """Sets request.acting_entity: the entity the signed-in person acts for, or None.

    The choice lives in the session (sessions.ACTING_AS); representation is checked again on every
    request, and a choice the person may no longer make is dropped. Nothing is queried unless the
    session holds a choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting_entity = None
        session = getattr(request, "session", None)
        cr_number = session.get(sessions.ACTING_AS) if session is not None else None
        if cr_number:
            user = getattr(request, "user", None)
            entity = None
            if user is not None and user.is_authenticated:
                entity = services.entity_by_cr(cr_number)
                if entity is not None and not services.may_act_for(person_for_request(request), entity):
                    entity = None
            if entity is None:
                session.pop(sessions.ACTING_AS, None)
            request.acting_entity = entity
        return self.get_response(request)
