"""HTML forms of the plan editor and the review workflow.

The editor's forms are ModelForms only for their labels, widgets and model validation;
nothing is saved through them: views hand `cleaned_data` to the services.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from explore.models import City, Indicator, ReferenceProject
from explore.selectors import published_solutions
from shape.models import (
    MAX_AMOUNT_EUR,
    ChecklistItem,
    ImpactTarget,
    Instrument,
    Milestone,
    ProjectPlan,
    Risk,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BasicsForm(forms.ModelForm):
    class Meta:
        model = ProjectPlan
        fields = ["title", "city", "areas", "summary"]
        widgets = {
            "areas": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"summary": _("Two or three sentences an investor reads first.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.order_by("name")
        self.fields["city"].empty_label = _("Choose a city")


class SolutionStepForm(forms.ModelForm):
    class Meta:
        model = ProjectPlan
        fields = ["problem", "proposed_solution", "solutions", "reference_projects"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 5}),
            "proposed_solution": forms.Textarea(attrs={"rows": 5}),
            "solutions": forms.SelectMultiple(attrs={"size": 8}),
            "reference_projects": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "solutions": _(
                "Solutions from Explore this plan builds on. Hold Ctrl to pick several."
            ),
            "reference_projects": _(
                "Projects that did something similar. Hold Ctrl to pick several."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solutions"].queryset = published_solutions().order_by("title")
        self.fields["reference_projects"].queryset = ReferenceProject.objects.order_by("acronym")


class FinanceForm(forms.ModelForm):
    total_investment_eur = forms.IntegerField(
        label=_("Total investment (EUR)"), required=False, min_value=0, max_value=MAX_AMOUNT_EUR
    )
    funding_sought_eur = forms.IntegerField(
        label=_("Funding sought (EUR)"), required=False, min_value=0, max_value=MAX_AMOUNT_EUR
    )

    class Meta:
        model = ProjectPlan
        fields = [
            "stage",
            "total_investment_eur",
            "funding_sought_eur",
            "instruments",
            "revenue_model",
            "planned_start",
            "planned_end",
        ]
        widgets = {
            "instruments": forms.CheckboxSelectMultiple,
            "revenue_model": forms.Textarea(attrs={"rows": 4}),
            "planned_start": DateInput(),
            "planned_end": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instruments"].queryset = Instrument.objects.all()


class ImpactTargetForm(forms.ModelForm):
    class Meta:
        model = ImpactTarget
        fields = ["indicator", "baseline_value", "baseline_year", "target_value", "target_year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.order_by("code")


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "description"]
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = ["description", "likelihood", "impact", "mitigation"]
        widgets = {"mitigation": forms.Textarea(attrs={"rows": 2})}


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, image, office document or CSV; at most 10 MB.")
    )


class CoEditorForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail of a member"),
        help_text=_("They must already have an account on the marketplace."),
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the promoter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewCommentForm(forms.Form):
    body = forms.CharField(label=_("Review comment"), widget=forms.Textarea(attrs={"rows": 3}))
    item = forms.ModelChoiceField(
        label=_("On checklist item (optional)"),
        queryset=ChecklistItem.objects.none(),
        required=False,
        empty_label=_("The plan as a whole"),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ChecklistItem.objects.filter(
            dimension__template_id=plan.checklist_template_id
        ).select_related("dimension")


class VersionCompareForm(forms.Form):
    a = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    b = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(number, _("Version %(number)s") % {"number": number}) for number in numbers]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices


STEP_FORMS = {"basics": BasicsForm, "solution": SolutionStepForm, "finance": FinanceForm}
