"""A plan's bankability checklist: answering it, its scores and chart, the printable report."""

from pathlib import Path

import pygal
from csp.decorators import csp_replace
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from explore.charts import STYLE
from explore.views.visuals import SVG_POLICY
from marketplace.errors import DomainError, NotAllowed, StateConflict
from shape import checklists, eligibility, permissions, selectors
from shape.models import ChecklistAnswer, ChecklistItem, ChecklistTemplate, ProjectPlan
from shape.services import checklists as services


class ChecklistAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=gettext_lazy("Your answer"),
        choices=ChecklistAnswer.Answer.choices,
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Where the proof is: a document, page, decision or link."),
    )
    evidence_file = forms.FileField(
        label=gettext_lazy("Evidence file"),
        required=False,
        help_text=gettext_lazy(
            "Optional. PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS or CSV, up to 10 MB. "
            "Leave empty to keep the file already attached."
        ),
    )


def _answer_form(item, *, answer=None, data=None, files=None) -> ChecklistAnswerForm:
    # One form per item on the same page: ids must be unique, field names need not be.
    initial = {"answer": answer.answer, "evidence": answer.evidence} if answer else None
    return ChecklistAnswerForm(data, files, initial=initial, auto_id=f"item-{item.pk}-%s")


def _template_id(plan: ProjectPlan) -> int | None:
    """The plan's own checklist version; before the first answer, the one it would get."""
    if plan.checklist_template_id:
        return plan.checklist_template_id
    return ChecklistTemplate.objects.filter(is_current=True).values_list("pk", flat=True).first()


def _assessment(plan: ProjectPlan):
    items = checklists.checklist_items(_template_id(plan))
    records = {record.item_id: record for record in plan.answers.all()}
    answers = {item_id: record.answer for item_id, record in records.items()}
    return items, records, checklists.assess(items, answers)


def _checklist_context(
    request, plan: ProjectPlan, *, bound: dict | None = None, with_forms: bool = True
) -> dict:
    items, records, assessment = _assessment(plan)
    can_answer = with_forms and permissions.can_edit_plan(request.user, plan)
    bound = bound or {}
    rows_by_dimension: dict[int, list] = {}
    for item in items:
        record = records.get(item.pk)
        form = None
        if can_answer:
            form = bound.get(item.pk) or _answer_form(item, answer=record)
        file_name = Path(record.evidence_file.name).name if record and record.evidence_file else ""
        rows_by_dimension.setdefault(item.dimension_id, []).append(
            {"item": item, "record": record, "form": form, "file_name": file_name}
        )
    sections = [
        {"score": score, "rows": rows_by_dimension[score.dimension.pk]}
        for score in assessment.dimensions
    ]
    return {
        "plan": plan,
        "assessment": assessment,
        "sections": sections,
        "chart_height": _chart_height(len(assessment.dimensions)),
        "can_answer": can_answer,
        "is_editor": permissions.is_plan_editor(request.user, plan),
        "facilities": eligibility.facility_checks(plan),
        "facilities_note": eligibility.FACILITIES_NOTE,
    }


def _item_url(plan: ProjectPlan, item) -> str:
    return reverse("shape:plan-checklist", args=[plan.pk]) + f"#item-{item.pk}"


@login_required
@require_safe
def plan_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    return render(request, "shape/checklist.html", _checklist_context(request, plan))


def _get_plan_for_team(user, pk: int) -> ProjectPlan:
    """The plan for its promoter and co-editors; 404 for outsiders, 403 for other readers.

    Being on the team is enough here, whatever the plan's state: a promoter whose plan is
    under review gets the explanation why it cannot change, not a bare 403.
    """
    plan = selectors.get_plan_for_user(user, pk)
    if not permissions.is_plan_editor(user, plan):
        raise PermissionDenied
    return plan


@login_required
@require_POST
def checklist_answer(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    plan = _get_plan_for_team(request.user, pk)
    item = (
        ChecklistItem.objects.select_related("dimension")
        .filter(pk=item_id, dimension__template_id=_template_id(plan))
        .first()
    )
    if item is None:
        raise Http404
    if not permissions.can_edit_plan(request.user, plan):
        messages.error(
            request,
            _("The checklist cannot be changed while the plan's status is “%(status)s”.")
            % {"status": plan.get_status_display()},
        )
        return redirect(_item_url(plan, item))
    form = _answer_form(item, data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            services.checklist_answer_set(
                plan=plan,
                item=item,
                answer=form.cleaned_data["answer"],
                evidence=form.cleaned_data["evidence"],
                evidence_file=form.cleaned_data["evidence_file"],
                actor=request.user,
            )
        except (NotAllowed, StateConflict) as error:
            messages.error(request, error.message)
            return redirect(_item_url(plan, item))
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Answer saved."))
            return redirect(_item_url(plan, item))
    context = _checklist_context(request, plan, bound={item.pk: form})
    return render(request, "shape/checklist.html", context)


def _without_scripts(root):
    # As in explore/charts.py: pygal writes an inline tooltip <script> even with `js=[]`.
    for defs in root.iter("defs"):
        for script in defs.findall("script"):
            defs.remove(script)
    return root


def _chart_height(bars: int) -> int:
    return max(400, 120 + 36 * bars)


def _dimension_chart(plan: ProjectPlan, assessment) -> str:
    scores = list(reversed(assessment.dimensions))  # bars are drawn bottom-up
    chart = pygal.HorizontalBar(
        style=STYLE,
        width=800,
        height=_chart_height(len(scores)),
        explicit_size=True,
        js=[],
        title=_("%(plan)s: checklist score by dimension (0-100)") % {"plan": plan.title},
        range=(0, 100),
        show_legend=False,
        truncate_label=-1,
        print_values=True,
        value_formatter=lambda value: str(int(value)),
        no_data_text=_("No data"),
    )
    chart.x_labels = [str(score.dimension.title) for score in scores]
    chart.add(_("Score"), [score.score for score in scores])
    chart.add_xml_filter(_without_scripts)
    return chart.render(is_unicode=True)


@login_required
@require_safe
@cache_control(private=True, no_cache=True)  # answers change the chart at any moment
@csp_replace(SVG_POLICY)
def checklist_chart(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    _items, _records, assessment = _assessment(plan)
    return HttpResponse(
        _dimension_chart(plan, assessment), content_type="image/svg+xml; charset=utf-8"
    )


@login_required
@require_safe
def readiness_report(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    context = _checklist_context(request, plan, with_forms=False)
    return render(request, "shape/checklist_report.html", context)
