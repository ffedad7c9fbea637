"""Amounts in euros read as each language writes them."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from marketplace.money import euros_text


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "€1,250,000"), ("fr", "1\xa0250\xa0000 €"), ("de", "1.250.000 €")],
)
def test_whole_euros_are_grouped_and_placed_for_the_language(language, expected):
    with translation.override(language):
        assert euros_text(1_250_000) == expected
        assert euros_text(Decimal("1250000.00")) == expected


def test_no_amount_is_no_text_so_templates_choose_their_default():
    template = Template('{% load money %}{{ amount|euros|default:"—" }}')

    assert euros_text(None) == ""
    assert template.render(Context({"amount": None})) == "—"
    assert template.render(Context({"amount": 0})) == "€0"
