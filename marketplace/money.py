"""Amounts of money as people read them in their own language."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def euros_text(amount) -> str:
    """Whole euros, grouped and placed the way the active language writes them:
    "€1,250,000" in English, "1 250 000 €" in French, "1.250.000 €" in German.
    Nothing for no amount, so that templates can add their own default."""
    if amount is None or amount == "":
        return ""
    grouped = number_format(amount, decimal_pos=0, use_l10n=True, force_grouping=True)
    return _("€%(amount)s") % {"amount": grouped}
