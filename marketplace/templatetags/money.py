from django import template

from marketplace.money import euros_text

register = template.Library()


@register.filter
def euros(amount) -> str:
    return euros_text(amount)
