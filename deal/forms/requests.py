"""Forms of deal requests: sending one, declining one, filtering the lists."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from deal.models import DealRequest, DeclineReason
from deal.services.requests import MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH
from explore.models import Area
from shape.models import MAX_AMOUNT_EUR, Instrument

# Whole euros typed with thousands grouped: "5 000 000", "5,000,000", "5.000.000", "5'000'000".
GROUPED_DIGITS = re.compile(r"[0-9]{1,3}([ ,.'\u00a0\u202f][0-9]{3})+")


class AmountField(forms.IntegerField):
    """An amount in whole euros; the thousands separators people type are accepted."""

    # A number input would refuse the separators before the server sees them.
    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str) and GROUPED_DIGITS.fullmatch(value.strip()):
            value = re.sub(r"[^0-9]", "", value)
        return super().to_python(value)


class ProfileChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, profile):
        if profile.is_active:
            return str(profile.organisation)
        return _("%(investor)s (paused)") % {"investor": profile.organisation}


class DealRequestForm(forms.Form):
    """What a request says; the plan and the investor are chosen only where they are not given.

    Pass `plans` for a plan's team choosing one of their plans and `profiles` for choosing
    the investor; leave either out when the page fixed it (an investor asks about one plan).
    """

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None)
    profile = ProfileChoiceField(label=_("Investor"), queryset=None)
    instrument = forms.ModelChoiceField(
        label=_("Instrument"), queryset=Instrument.objects.all(), to_field_name="code"
    )
    amount_eur = AmountField(
        label=_("Amount of interest (EUR)"),
        min_value=1,
        max_value=MAX_AMOUNT_EUR,
        help_text=_("In whole euros; it must fit the investor's ticket range."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you would like to discuss, and what you can share next."),
    )

    def __init__(self, *args, plans=None, profiles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plans is None:
            del self.fields["plan"]
        else:
            self.fields["plan"].queryset = plans
        if profiles is None:
            del self.fields["profile"]
        else:
            self.fields["profile"].queryset = profiles


class DeclineForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("Why not (choose every reason that applies)"),
        choices=DeclineReason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one reason.")},
        help_text=_("Each reason points the promoter at the part of the checklist to improve."),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RequestFilterForm(forms.Form):
    """The list filters, read from the URL; an unknown value is a form error, not a crash."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any"))] + DealRequest.Status.choices
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", _("Both")), *DealRequest.Direction.choices],
    )
    area = forms.ModelChoiceField(
        label=_("Area"),
        required=False,
        queryset=Area.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Any"),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any")), *countries]

    def filters(self) -> dict:
        """The cleaned filters, or none at all when the URL held nonsense."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
