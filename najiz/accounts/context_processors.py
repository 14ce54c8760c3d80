from .middleware import person_for_request


def acting_as(request):
    """`acting_entity` (Entity or None) and `acting_choices` (entities the user represents).

    No query for anonymous visitors; for a signed-in person the registry person (shared with the
    middleware) and their entities: at most two queries.
    """
    user = getattr(request, "user", None)
    acting_entity = getattr(request, "acting_entity", None)
    if user is None or not user.is_authenticated:
        return {"acting_entity": None, "acting_choices": []}
    if not hasattr(request, "_accounts_acting_choices"):
        from . import services

        request._accounts_acting_choices = services.entities_of(person_for_request(request))
    return {"acting_entity": acting_entity, "acting_choices": request._accounts_acting_choices}
