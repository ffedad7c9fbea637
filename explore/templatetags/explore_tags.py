from django import template

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
def euros(amount):
    """Whole euros with thin grouping: 1 250 000 → "€1,250,000"."""
    if amount is None:
        return ""
    return f"€{amount:,}"
