from .middleware import person_for_request


def acting_as(request):
    """`acting_entity` (Entity or None) and `acting_choices` (entities the user represents).

    No query for anonymous visitors; for a signed-in person the registry person (shared with the
    middleware, when it read it) and their entities: one query.
    """
    user = getattr(request, "user", None)
    acting_entity = getattr(request, "acting_entity", None)
    if user is None or not user.is_authenticated:
        return {"acting_entity": None, "acting_choices": []}
    if not hasattr(request, "_accounts_acting_choices"):
        from . import services

        # The person, when the middleware already read it; else the user, matched in the same query.
        person = person_for_request(request) if hasattr(request, "_accounts_person") else user
        request._accounts_acting_choices = services.entities_of(person)
    return {"acting_entity": acting_entity, "acting_choices": request._accounts_acting_choices}
