from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts import services
from accounts.models import SELF_CHOSEN_ROLES, Delivery, NotificationKind, Organisation, Role

ROLE_CHOICES = [(role.value, role.label) for role in SELF_CHOSEN_ROLES]


class SignupDetailsForm(forms.Form):
    """The fields allauth's sign-up form gets on top of e-mail and password."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"), choices=Organisation.Kind.choices
    )
    country = CountryField(blank_label=_("(choose a country)")).formfield(label=_("Country"))
    roles = forms.MultipleChoiceField(
        label=_("I want to"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Promoters shape project plans; investors review deal requests."),
    )

    def clean_organisation_name(self):
        name = self.cleaned_data["organisation_name"].strip()
        if not slugify(name):
            raise forms.ValidationError(_("Give the organisation a name with letters or digits."))
        return name

    def signup(self, request, user):
        services.member_signup_complete(
            user=user,
            name=self.cleaned_data["name"],
            organisation_name=self.cleaned_data["organisation_name"],
            organisation_kind=self.cleaned_data["organisation_kind"],
            country=self.cleaned_data["country"],
            roles=self.cleaned_data["roles"],
        )


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    listed_in_directories = forms.BooleanField(
        label=_("Show me, with my organisation, in member directories"), required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def for_user(cls, user, data=None):
        initial = {
            "name": user.name,
            "listed_in_directories": user.listed_in_directories,
            "roles": [role for role in user.roles if role != Role.MEMBER],
        }
        return cls(data=data, initial=initial)


class NotificationPreferencesForm(forms.Form):
    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=current.get(kind.value, Delivery.IMMEDIATELY),
            )
