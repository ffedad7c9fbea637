from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from explore.models import KnowledgeItem, Solution
from explore.selectors import area_list

MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


class InterestsForm(forms.Form):
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas of interest"),
        queryset=area_list(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def city_with_country(city) -> str:
    return f"{city.name} ({city.country.name})"


class SolutionForm(forms.ModelForm):
    class Meta:
        model = Solution
        fields = [
            "title",
            "summary",
            "body",
            "areas",
            "tags",
            "maturity",
            "cost_min_eur",
            "cost_max_eur",
            "cities",
            "replication_notes",
            "contact_name",
            "contact_email",
            "image",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "areas": forms.CheckboxSelectMultiple,
            "tags": forms.CheckboxSelectMultiple,
            "cities": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "cities": _("The cities where it runs today, if any."),
            "image": _("JPEG, PNG or WebP, at most 2 MB."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Many cities share a name across Europe; the country tells them apart.
        self.fields["cities"].label_from_instance = city_with_country

    def clean_image(self):
        image = self.cleaned_data.get("image")
        # ImageField has already checked that Pillow can read it; limit size and formats.
        if image and hasattr(image, "image"):
            if image.size > MAX_IMAGE_BYTES:
                raise ValidationError(_("The image is larger than 2 MB."))
            if image.image.format not in IMAGE_FORMATS:
                raise ValidationError(_("Use a JPEG, PNG or WebP image."))
        return image


class KnowledgeItemForm(forms.ModelForm):
    class Meta:
        model = KnowledgeItem
        fields = [
            "kind",
            "title",
            "summary",
            "body",
            "areas",
            "source_url",
            "event_start",
            "event_end",
            "event_place",
            "event_online_url",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "areas": forms.CheckboxSelectMultiple,
            "event_start": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "event_end": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the author"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
