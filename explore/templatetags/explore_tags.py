from django import template

from explore import charts
from explore.forms import InterestsForm
from explore.selectors import areas_chosen_by

register = template.Library()


@register.inclusion_tag("explore/partials/_interests_form.html")
def interests_form(user):
    """The areas-of-interest form, for pages of other apps such as the profile."""
    return {"form": InterestsForm(initial={"areas": list(areas_chosen_by(user=user))})}


@register.simple_tag
def query_without(querydict, key, value=None):
    """The current query string with one facet value (or a whole key) and the page removed."""
    remaining = querydict.copy()
    remaining.pop("page", None)
    if value is None:
        remaining.pop(key, None)
    else:
        remaining.setlist(key, [kept for kept in remaining.getlist(key) if kept != str(value)])
    encoded = remaining.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def preview(text: str, length: int) -> str:
    """The text cut at the last space within `length` characters, "…" marking the cut.

    For the summaries on list cards, twenty a page: plain prose, so this skips the care
    `truncatechars` takes over combining characters, which cost more than the rest of a card.
    """
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:.") + "…"


@register.filter
def comparison_chart_height(row_count: int) -> int:
    return charts.comparison_chart_height(row_count)
