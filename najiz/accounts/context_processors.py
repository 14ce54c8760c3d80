def acting_as(request):
    """`acting_entity` (Entity or None) and `acting_choices` (entities the user represents).

    No query for anonymous visitors; for a signed-in person one: their entities, matched by the
    user's national id.
    """
    user = getattr(request, "user", None)
    acting_entity = getattr(request, "acting_entity", None)
    if user is None or not user.is_authenticated:
        return {"acting_entity": None, "acting_choices": []}
    if not hasattr(request, "_accounts_acting_choices"):
        from . import services

        request._accounts_acting_choices = services.entities_of(user)
    return {"acting_entity": acting_entity, "acting_choices": request._accounts_acting_choices}
