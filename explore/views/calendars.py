"""Events for calendar apps: one event to add, or a feed of them to subscribe to."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from explore import calendar, selectors


@require_safe
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, slug)
    response = _calendar_response(request, [event])
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@require_safe
def events_feed(request: HttpRequest) -> HttpResponse:
    response = _calendar_response(request, selectors.events_for_calendar())
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


def _calendar_response(request: HttpRequest, events) -> HttpResponse:
    text = calendar.calendar_text(
        events,
        page_url=lambda event: request.build_absolute_uri(event.get_absolute_url()),
        domain=request.get_host(),
    )
    return HttpResponse(text, content_type="text/calendar; charset=utf-8")
