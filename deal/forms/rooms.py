"""Forms of the deal room page: each reads what was typed; the services hold the rules."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from deal.services.rooms import MAX_MESSAGE_LENGTH, MAX_SLOTS
from shape.models import MAX_AMOUNT_EUR, Instrument


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF, image, Word, Excel, OpenDocument or CSV, up to 10 MB. The other side "
            "downloads it as a file."
        ),
    )


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MeetingProposalForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    place = forms.CharField(
        label=_("Place or call link"),
        max_length=300,
        required=False,
        help_text=_("An address, a room or the link of a video call."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=15, max_value=8 * 60, initial=60
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_SLOTS + 1):
            self.fields[f"slot_{number}"] = forms.DateTimeField(
                label=_("Time %(number)s") % {"number": number},
                required=False,
                widget=DateTimeLocalInput(),
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                help_text=_("At least one time, in the future.") if number == 1 else "",
            )

    def clean(self):
        cleaned = super().clean()
        starts = self.starts()
        if not starts and not any(self.has_error(f"slot_{n}") for n in range(1, MAX_SLOTS + 1)):
            self.add_error("slot_1", _("Offer at least one time for the meeting."))
        now = timezone.now()
        for number in range(1, MAX_SLOTS + 1):
            start = cleaned.get(f"slot_{number}")
            if start is not None and start <= now:
                self.add_error(f"slot_{number}", _("This time has already passed."))
        return cleaned

    def starts(self) -> list:
        return [
            self.cleaned_data[f"slot_{number}"]
            for number in range(1, MAX_SLOTS + 1)
            if self.cleaned_data.get(f"slot_{number}") is not None
        ]


class MeetingChoiceForm(forms.Form):
    slot = forms.TypedChoiceField(label=_("Time"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        # From the (prefetched) slots, so a page of proposals costs no query per proposal.
        self.fields["slot"].choices = [(slot.pk, slot_label(slot)) for slot in proposal.slots.all()]


def slot_label(slot) -> str:
    start = timezone.localtime(slot.starts_at)
    return _("%(when)s, %(minutes)s minutes") % {
        "when": formats.date_format(start, "l j M Y H:i"),
        "minutes": slot.duration_minutes,
    }


class DealClosedForm(forms.Form):
    amount_eur = forms.IntegerField(label=_("Amount (EUR)"), min_value=1, max_value=MAX_AMOUNT_EUR)
    instrument = forms.ModelChoiceField(
        label=_("Instrument"), queryset=Instrument.objects.order_by("position", "name")
    )
    closed_on = forms.DateField(
        label=_("Closed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_closed_on(self):
        closed_on = self.cleaned_data["closed_on"]
        if closed_on > timezone.localdate():
            raise forms.ValidationError(_("The closing date cannot be in the future."))
        return closed_on


class NotPursuedForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the deal is not pursued"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
