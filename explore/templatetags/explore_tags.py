from django import template

from explore.forms import InterestsForm
from explore.selectors import areas_chosen_by

register = template.Library()


@register.inclusion_tag("explore/partials/_interests_form.html")
def interests_form(user):
    """The areas-of-interest form, for pages of other apps such as the profile."""
    return {"form": InterestsForm(initial={"areas": list(areas_chosen_by(user=user))})}
