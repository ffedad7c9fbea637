"""Forms for investor profiles and for filtering "Plans for you"."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from deal.models import InvestorProfile, MatchDecision
from explore.models import Area
from shape.models import Instrument, Stage


class InvestorProfileForm(forms.ModelForm):
    """Every field of a profile; the service saves it (and checks who may)."""

    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=list(countries),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Only read when the profile does not invest anywhere in the EU."),
    )
    stages = forms.MultipleChoiceField(
        label=_("Project stages"),
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas"),
        queryset=Area.objects.order_by("position", "name"),
        widget=forms.CheckboxSelectMultiple,
    )
    instruments = forms.ModelMultipleChoiceField(
        label=_("Financing instruments"),
        queryset=Instrument.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    visibility = forms.ChoiceField(
        label=_("Who sees this profile"),
        choices=InvestorProfile.Visibility.choices,
        initial=InvestorProfile.Visibility.MEMBERS,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = InvestorProfile
        fields = [
            "kind",
            "ticket_min_eur",
            "ticket_max_eur",
            "instruments",
            "areas",
            "eu_wide",
            "countries",
            "stages",
            "min_bankability",
            "exclusions",
            "visibility",
            "is_active",
        ]
        widgets = {"exclusions": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("eu_wide") and not cleaned.get("countries"):
            self.add_error("countries", _("Choose the countries you invest in, or the whole EU."))
        return cleaned


class PlanFilterForm(forms.Form):
    """The filters of "Plans for you", read from the query string so a link keeps them."""

    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.order_by("position", "name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Any area"),
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", _("Any country")), *countries], required=False
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("Any stage")), *Stage.choices], required=False
    )
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Any instrument"),
    )
    min_score = forms.DecimalField(
        label=_("Minimum score"), min_value=0, max_value=100, decimal_places=1, required=False
    )

    def filters(self) -> dict:
        """The cleaned filters as the selector takes them (codes, not objects)."""
        self.is_valid()  # an invalid field is shown with its error; the valid ones still filter
        data = self.cleaned_data
        return {
            "area": data["area"].slug if data.get("area") else "",
            "country": data.get("country") or "",
            "stage": data.get("stage") or "",
            "instrument": data["instrument"].code if data.get("instrument") else "",
            "min_score": data.get("min_score"),
        }


class MatchDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[*MatchDecision.Decision.choices, ("clear", _("Undo"))],
    )
    next = forms.CharField(required=False)
