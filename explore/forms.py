from django import forms
from django.utils.translation import gettext_lazy as _

from explore.selectors import area_list


class InterestsForm(forms.Form):
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas of interest"),
        queryset=area_list(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
