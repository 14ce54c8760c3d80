from django import template

from notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in user's unread count, counted once per request."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return 0
    cached = getattr(request, "notifications_unread", None)
    if cached is None:
        cached = selectors.unread_count(user)
        if request is not None:
            request.notifications_unread = cached
    return cached
