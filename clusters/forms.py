"""HTML forms of the clusters pages; rules beyond the field types live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import ActionCluster
from clusters.services.curation import ProposalBulkAction, ReportBulkAction
from shape.uploads import MAX_DOCUMENT_BYTES


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("A word to the coordinators (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InitiativeProposalForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("What is it about?"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    goals = forms.CharField(
        label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DiscussionForm(forms.Form):
    title = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    members_only = forms.BooleanField(label=_("Only members can see it"), required=False)


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this post?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, OpenDocument, CSV, PNG or JPEG, up to %(size)d MB.")
        % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)},
    )
    members_only = forms.BooleanField(label=_("Only members can see it"), required=False)


class BulkModerationForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("Submissions"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    action = forms.ChoiceField(
        label=_("Decision"), choices=(("publish", _("Publish")), ("reject", _("Send back")))
    )
    reason = forms.CharField(
        label=_("Reason for the authors (needed to send back)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why, so the authors can improve their submissions."))
        return data


class FeatureForm(forms.Form):
    KINDS = (
        ("solution", _("Solution")),
        ("project", _("Reference project")),
        ("knowledge", _("News, event or other knowledge")),
    )

    cluster = forms.ModelChoiceField(
        label=_("Cluster"), queryset=ActionCluster.objects.all(), to_field_name="slug"
    )
    kind = forms.ChoiceField(label=_("Kind of content"), choices=KINDS)
    reference = forms.CharField(
        label=_("Its address or slug"),
        max_length=300,
        help_text=_("For example /explore/solutions/smart-street-lighting/"),
    )

    def clean_reference(self):
        # A pasted address ends with the slug: /explore/solutions/<slug>/
        reference = self.cleaned_data["reference"].strip().split("?")[0].rstrip("/")
        return reference.rsplit("/", 1)[-1]


class BulkRequestForm(forms.Form):
    requests = forms.MultipleChoiceField(
        label=_("Requests"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    action = forms.ChoiceField(
        label=_("Decision on the requests"),
        choices=(("approve", _("Approve")), ("reject", _("Decline"))),
    )
    reason = forms.CharField(
        label=_("Reason for the people concerned (needed to decline)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requests"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why: the people concerned are told."))
        return data


class BulkProposalForm(forms.Form):
    proposals = forms.MultipleChoiceField(
        label=_("Proposed initiatives"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    action = forms.ChoiceField(
        label=_("Decision on the proposals"),
        choices=(
            (ProposalBulkAction.ACCEPT, _("Accept")),
            (ProposalBulkAction.DECLINE, _("Decline")),
        ),
    )
    reason = forms.CharField(
        label=_("Reason, sent to the proposers (needed to decline)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("action") == ProposalBulkAction.DECLINE and not data.get("reason"):
            self.add_error("reason", _("Say why: the proposers are told."))
        return data


class BulkReportForm(forms.Form):
    reports = forms.MultipleChoiceField(
        label=_("Reports"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    action = forms.ChoiceField(
        label=_("Decision on the reports"),
        choices=(
            (ReportBulkAction.HIDE, _("Hide the posts")),
            (ReportBulkAction.DISMISS, _("Dismiss the reports")),
        ),
    )
    # Both decisions need a reason, as for a single report (the field strips blanks).
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why: the reason is recorded with the decision.")},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports"].choices = choices
