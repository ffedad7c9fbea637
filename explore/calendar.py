"""Events as iCalendar (RFC 5545), for calendar apps: one event, or a feed to subscribe to."""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from explore.models import KnowledgeItem

PRODUCT_ID = "-//Smart Cities Marketplace//Explore events//EN"
LINE_OCTETS = 75


def calendar_text(
    events: Iterable[KnowledgeItem], *, page_url: Callable[[KnowledgeItem], str], domain: str
) -> str:
    """A VCALENDAR holding a VEVENT for each event; `page_url` gives an event's page."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT_ID}", "CALSCALE:GREGORIAN"]
    for event in events:
        lines += _event_lines(event, page_url(event), domain)
    lines.append("END:VCALENDAR")
    return "".join(f"{folded}\r\n" for line in lines for folded in _folded(line))


def _event_lines(event: KnowledgeItem, url: str, domain: str) -> list[str]:
    where = event.event_place or event.event_online_url
    lines = [
        "BEGIN:VEVENT",
        f"UID:knowledge-{event.pk}@{domain}",
        f"DTSTAMP:{_utc(event.updated_at)}",
        f"DTSTART:{_utc(event.event_start)}",
    ]
    if event.event_end:
        lines.append(f"DTEND:{_utc(event.event_end)}")
    lines += [f"SUMMARY:{_text(event.title)}", f"DESCRIPTION:{_text(event.summary)}"]
    if where:
        lines.append(f"LOCATION:{_text(where)}")
    lines += [f"URL:{url}", "END:VEVENT"]
    return lines


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """A TEXT value: backslashes, semicolons, commas and line breaks escaped."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\n", "\\n")


def _folded(line: str) -> list[str]:
    """The line cut into pieces of at most 75 octets, each after the first led by a space.

    Cuts fall between characters, never inside a multi-byte one.
    """
    pieces, current, size = [], "", 0
    for character in line:
        octets = len(character.encode())
        if size + octets > LINE_OCTETS:
            pieces.append(current)
            current, size = " ", 1
        current += character
        size += octets
    pieces.append(current)
    return pieces
