def acting_as(request):
    return {"acting_entity": getattr(request, "acting_entity", None), "acting_choices": []}
