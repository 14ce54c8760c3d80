"""The demo clock's bar (demo/_clock_bar.html): the portal's date and how far it was moved. No
query: the offset is the clock's own, kept in the process."""

from najiz.common import clock


def demo_clock(request):
    if not clock.demo_clock_on():
        return {}
    offset = clock.demo_offset()
    return {
        "demo_clock": {
            "now": clock.now(), "moved": offset.total_seconds() > 0, "days": offset.days,
            "hours": offset.seconds // 3600,
        }
    }
