"""The bankability checklist: scoring, the reference data, answering it, and its pages."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from marketplace.errors import DomainError, NotAllowed, StateConflict
from shape import checklists
from shape.checklists import Readiness
from shape.models import (
    ChecklistDimension,
    ChecklistItem,
    ChecklistTemplate,
    Instrument,
    PlanStatus,
    StakeholderInvitation,
    StakeholderRole,
)
from shape.services import checklists as services
from tests.shape.factories import PlanFactory

MET, PARTLY, NOT_MET, NA = "met", "partly", "not_met", "na"
PDF = b"%PDF-1.4\n% evidence\n"


# --- Scoring (pure, no database) ---------------------------------------------------------


def make_items(spec):
    """Unsaved items from `(dimension position, weight, mandatory)` triples, ids from 1."""
    dimensions = {}
    items = []
    for number, (position, weight, mandatory) in enumerate(spec, start=1):
        dimension = dimensions.setdefault(
            position,
            ChecklistDimension(
                pk=position, code=f"d{position}", title=f"Dimension {position}", position=position
            ),
        )
        items.append(
            ChecklistItem(
                pk=number,
                dimension=dimension,
                code=f"item-{number}",
                question=f"Question {number}?",
                guidance=f"Do thing {number}.",
                evidence_expected=f"Document {number}.",
                weight=weight,
                mandatory=mandatory,
                position=number,
            )
        )
    return items


def test_met_counts_fully_partly_half_and_not_met_nothing():
    items = make_items([(1, 1, True), (1, 1, True), (1, 1, True), (1, 1, True)])

    assert checklists.overall_score(items, {1: MET, 2: MET, 3: PARTLY, 4: NOT_MET}) == 63  # 62.5


def test_weights_decide_how_much_an_item_counts():
    items = make_items([(1, 5, True), (1, 1, True)])

    assert checklists.overall_score(items, {1: MET, 2: NOT_MET}) == 83  # 5/6
    assert checklists.overall_score(items, {1: NOT_MET, 2: MET}) == 17  # 1/6


def test_an_unanswered_item_counts_as_not_met():
    items = make_items([(1, 1, True), (1, 1, True)])

    assert checklists.overall_score(items, {1: MET}) == 50


def test_not_applicable_is_left_out_of_both_sides():
    items = make_items([(1, 3, True), (1, 2, True)])

    assert checklists.overall_score(items, {1: MET, 2: NA}) == 100
    assert checklists.overall_score(items, {1: NA, 2: NA}) == 0


def test_rounding_is_half_up_and_integer():
    assert checklists.percent(1, 8) == 13  # 12.5
    assert checklists.percent(3, 8) == 38  # 37.5: no banker's rounding to 38/37
    assert checklists.percent(5, 8) == 63
    assert checklists.percent(1, 3) == 33
    assert checklists.percent(2, 3) == 67
    assert checklists.percent(0, 0) == 0


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, Readiness.NOT_READY),
        (39, Readiness.NOT_READY),
        (40, Readiness.EMERGING),
        (69, Readiness.EMERGING),
        (70, Readiness.ADVANCED),
        (84, Readiness.ADVANCED),
        (85, Readiness.INVESTMENT_READY),
        (100, Readiness.INVESTMENT_READY),
    ],
)
def test_readiness_levels_follow_the_thresholds(score, level):
    assert checklists.readiness_for(score) == level


def test_the_assessment_scores_each_dimension_in_checklist_order():
    items = make_items([(2, 1, True), (1, 2, True), (1, 2, True), (3, 1, False)])

    assessment = checklists.assess(items, {1: PARTLY, 2: MET, 3: NOT_MET, 4: NA})

    assert [(d.dimension.position, d.score) for d in assessment.dimensions] == [
        (1, 50),
        (2, 50),
        (3, None),  # every item not applicable
    ]
    assert assessment.dimensions[2].applicable is False
    assert assessment.overall == 50  # (0.5 + 2 + 0) / 5
    assert assessment.readiness == Readiness.EMERGING
    assert (assessment.answered, assessment.items) == (4, 4)


def test_gaps_list_every_item_not_fully_met_heaviest_first_then_by_dimension():
    items = make_items(
        [(2, 3, True), (1, 3, True), (1, 5, True), (1, 1, True), (2, 4, True), (3, 4, True)]
    )
    answers = {1: PARTLY, 2: NOT_MET, 3: MET, 4: NA, 6: NOT_MET}  # item 5 unanswered

    gaps = checklists.gaps(items, answers)

    assert [gap.item.pk for gap in gaps] == [5, 6, 2, 1]
    assert [str(gap.status_label) for gap in gaps] == [
        "Not answered",
        "Not met",
        "Not met",
        "Partly met",
    ]
    assert gaps[0].next_step == "Do thing 5."
    assert gaps[0].evidence_expected == "Document 5."


def test_mandatory_items_without_any_answer_are_missing_but_not_applicable_is_an_answer():
    items = make_items([(1, 1, True), (1, 1, True), (1, 1, False), (1, 1, True)])

    missing = checklists.unanswered_mandatory(items, {1: NOT_MET, 2: NA})

    assert [item.pk for item in missing] == [4]


# --- Scoring properties ------------------------------------------------------------------

item_specs = st.lists(
    st.tuples(st.integers(1, 5), st.integers(1, 5), st.booleans()), min_size=1, max_size=25
)
answer_values = st.sampled_from([MET, PARTLY, NOT_MET, NA, None])


@st.composite
def checklists_with_answers(draw):
    items = make_items(draw(item_specs))
    chosen = draw(st.lists(answer_values, min_size=len(items), max_size=len(items)))
    answers = {item.pk: answer for item, answer in zip(items, chosen, strict=True) if answer}
    return items, answers


@given(checklists_with_answers())
def test_every_score_stays_within_0_and_100(case):
    items, answers = case

    assessment = checklists.assess(items, answers)

    assert 0 <= assessment.overall <= 100
    assert all(0 <= d.score <= 100 for d in assessment.dimensions if d.applicable)


@given(item_specs)
def test_all_met_scores_100_and_leaves_no_gap(spec):
    items = make_items(spec)

    assessment = checklists.assess(items, {item.pk: MET for item in items})

    assert assessment.overall == 100
    assert assessment.readiness == Readiness.INVESTMENT_READY
    assert assessment.gaps == []


@given(checklists_with_answers())
def test_not_applicable_items_change_nothing_compared_with_leaving_them_out(case):
    items, answers = case
    applicable = [item for item in items if answers.get(item.pk) != NA]

    assert checklists.overall_score(items, answers) == checklists.overall_score(applicable, answers)


@given(checklists_with_answers(), st.integers(1, 5), st.integers(1, 6))
def test_adding_a_met_item_never_lowers_the_overall_score(case, weight, dimension):
    items, answers = case
    [extra] = make_items([(dimension, weight, True)])
    extra.pk = len(items) + 1

    before = checklists.overall_score(items, answers)
    after = checklists.overall_score([*items, extra], {**answers, extra.pk: MET})

    assert after >= before


@given(checklists_with_answers())
def test_gaps_are_exactly_the_items_not_met_in_weight_order(case):
    items, answers = case

    gaps = checklists.gaps(items, answers)

    expected = {item.pk for item in items if answers.get(item.pk) not in (MET, NA)}
    assert {gap.item.pk for gap in gaps} == expected
    weights = [gap.item.weight for gap in gaps]
    assert weights == sorted(weights, reverse=True)


# --- The reference data a migration loads ---------------------------------------------------


@pytest.mark.django_db
def test_the_migration_loads_the_instruments():
    assert list(Instrument.objects.values_list("code", flat=True)) == [
        "grant",
        "loan",
        "equity",
        "guarantee",
        "green-bond",
        "ppp",
        "epc",
        "crowdfunding",
    ]
    assert all(instrument.description for instrument in Instrument.objects.all())


@pytest.mark.django_db
def test_the_migration_loads_the_current_checklist_with_fourteen_dimensions():
    template = ChecklistTemplate.objects.get(name="Bankability checklist", version=1)
    dimensions = list(template.dimensions.all())
    items = ChecklistItem.objects.filter(dimension__template=template)

    assert template.is_current
    assert len(dimensions) == 14
    assert dimensions[0].title == "Strategic fit and political commitment"
    assert dimensions[-1].title == "Eligibility for financing facilities"
    for dimension in dimensions:
        assert 2 <= dimension.items.count() <= 4, dimension.code
    assert all(1 <= item.weight <= 5 and item.guidance and item.evidence_expected for item in items)
    assert items.filter(mandatory=True).count() > items.count() * 2 / 3


@pytest.mark.django_db
def test_loading_the_reference_data_again_changes_nothing():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("shape.migrations.0002_reference_data")
    before = (Instrument.objects.count(), ChecklistItem.objects.count())

    migration.load_reference_data(apps, schema_editor=None)

    assert (Instrument.objects.count(), ChecklistItem.objects.count()) == before
    assert ChecklistTemplate.objects.filter(is_current=True).count() == 1


@pytest.mark.django_db
def test_the_reference_data_migration_can_be_reversed_and_loaded_again():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("shape.migrations.0002_reference_data")

    migration.unload_reference_data(apps, schema_editor=None)
    assert not Instrument.objects.exists()
    assert not ChecklistTemplate.objects.filter(name="Bankability checklist").exists()

    migration.load_reference_data(apps, schema_editor=None)
    assert Instrument.objects.count() == 8
    assert ChecklistTemplate.objects.get(is_current=True).dimensions.count() == 14


# --- Answering (the service) ----------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def plan(promoter):
    return PlanFactory(promoter=promoter)


@pytest.fixture
def default_items():
    return checklists.checklist_items(ChecklistTemplate.objects.get(is_current=True).pk)


def make_stakeholder(plan, user):
    StakeholderInvitation.objects.create(
        plan=plan,
        email=user.email,
        role=StakeholderRole.EXPERT,
        token=f"token-{user.pk}",
        stakeholder=user,
        accepted_at=timezone.now(),
    )
    return user


@pytest.mark.django_db
def test_the_first_answer_gives_the_plan_the_current_checklist_and_a_score(
    plan, promoter, default_items
):
    item = default_items[0]

    services.checklist_answer_set(plan=plan, item=item, answer=MET, actor=promoter)

    plan.refresh_from_db()
    assert plan.checklist_template.is_current
    total = sum(i.weight for i in default_items)
    assert plan.bankability_score == checklists.percent(item.weight, total)
    assert plan.answers.get().answered_by == promoter


@pytest.mark.django_db
def test_answering_again_replaces_the_answer_and_refreshes_the_score(plan, promoter, default_items):
    item = default_items[0]
    services.checklist_answer_set(plan=plan, item=item, answer=MET, actor=promoter)

    services.checklist_answer_set(plan=plan, item=item, answer=NOT_MET, actor=promoter)

    plan.refresh_from_db()
    assert plan.answers.get().answer == NOT_MET
    assert plan.bankability_score == 0


@pytest.mark.django_db
def test_a_co_editor_answers_too(plan, other_promoter, default_items):
    plan.co_editors.add(other_promoter)

    services.checklist_answer_set(plan=plan, item=default_items[0], answer=NA, actor=other_promoter)

    assert plan.answers.get().answer == NA


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["curator", "other_promoter", "investor"])
def test_people_outside_the_plan_team_cannot_answer(request, plan, default_items, persona):
    actor = request.getfixturevalue(persona)

    with pytest.raises(NotAllowed):
        services.checklist_answer_set(plan=plan, item=default_items[0], answer=MET, actor=actor)
    assert not plan.answers.exists()


@pytest.mark.django_db
def test_a_plan_under_review_cannot_be_answered(promoter, default_items):
    plan = PlanFactory(promoter=promoter, status=PlanStatus.SUBMITTED)

    with pytest.raises(StateConflict):
        services.checklist_answer_set(plan=plan, item=default_items[0], answer=MET, actor=promoter)


@pytest.mark.django_db
def test_an_item_of_another_checklist_version_is_refused(plan, promoter, default_items):
    services.checklist_answer_set(plan=plan, item=default_items[0], answer=MET, actor=promoter)
    other = ChecklistTemplate.objects.create(name="Other", version=1)
    stray = ChecklistItem.objects.create(
        dimension=ChecklistDimension.objects.create(template=other, code="x", title="X"),
        code="x",
        question="?",
    )

    with pytest.raises(DomainError) as refused:
        services.checklist_answer_set(plan=plan, item=stray, answer=MET, actor=promoter)
    assert refused.value.field == "item"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tool.exe", b"MZ\x90\x00"),
        ("notes.txt", b"plain text"),
        ("renamed.pdf", b"MZ\x90\x00 not a pdf"),
        ("image.png", PDF),
        ("table.csv", b"\x00\x01\x02binary"),
    ],
)
def test_evidence_files_of_the_wrong_type_are_refused(plan, promoter, default_items, name, content):
    upload = SimpleUploadedFile(name, content)

    with pytest.raises(DomainError) as refused:
        services.checklist_answer_set(
            plan=plan, item=default_items[0], answer=MET, evidence_file=upload, actor=promoter
        )
    assert refused.value.field == "evidence_file"
    assert not plan.answers.exists()


@pytest.mark.django_db
def test_an_evidence_file_over_10_mb_is_refused(plan, promoter, default_items):
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))

    with pytest.raises(DomainError, match="10 MB"):
        services.checklist_answer_set(
            plan=plan, item=default_items[0], answer=MET, evidence_file=upload, actor=promoter
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("study.pdf", PDF),
        ("site.png", b"\x89PNG\r\n\x1a\n...."),
        ("photo.JPG", b"\xff\xd8\xff\xe0...."),
        ("model.xlsx", b"PK\x03\x04...."),
        ("figures.csv", "year;kWh\n2024;1200\nStraße;5\n".encode()),
    ],
)
def test_accepted_evidence_files_are_kept(media, plan, promoter, default_items, name, content):
    services.checklist_answer_set(
        plan=plan,
        item=default_items[0],
        answer=MET,
        evidence="Council decision 2024/17",
        evidence_file=SimpleUploadedFile(name, content),
        actor=promoter,
    )

    answer = plan.answers.get()
    assert answer.evidence == "Council decision 2024/17"
    assert answer.evidence_file.read() == content


@pytest.mark.django_db
def test_missing_mandatory_lists_unanswered_mandatory_items_of_the_plans_version(
    plan, promoter, default_items
):
    mandatory = [item for item in default_items if item.mandatory]
    services.checklist_answer_set(plan=plan, item=mandatory[0], answer=NA, actor=promoter)
    plan.refresh_from_db()

    missing = checklists.missing_mandatory(plan)

    assert [item.pk for item in missing] == [item.pk for item in mandatory[1:]]


# --- Template versions (curators) ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_version_copies_the_checklist_without_touching_assessed_plans(
    plan, promoter, curator, default_items
):
    current = ChecklistTemplate.objects.get(is_current=True)
    services.checklist_answer_set(plan=plan, item=default_items[0], answer=MET, actor=promoter)

    copy = services.checklist_template_new_version(template=current, actor=curator)

    assert (copy.name, copy.version, copy.is_current) == (current.name, current.version + 1, False)
    assert list(copy.dimensions.values_list("code", "title")) == list(
        current.dimensions.values_list("code", "title")
    )
    copied = ChecklistItem.objects.filter(dimension__template=copy)
    assert sorted(copied.values_list("code", "weight", "mandatory")) == sorted(
        (item.code, item.weight, item.mandatory) for item in default_items
    )
    plan.refresh_from_db()
    assert plan.checklist_template == current


@pytest.mark.django_db
def test_making_a_version_current_offers_it_to_new_plans_only(plan, promoter, curator):
    old = ChecklistTemplate.objects.get(is_current=True)
    plan.checklist_template = old
    plan.save()
    copy = services.checklist_template_new_version(template=old, actor=curator)

    services.checklist_template_make_current(template=copy, actor=curator)

    assert list(ChecklistTemplate.objects.filter(is_current=True)) == [copy]
    plan.refresh_from_db()
    assert plan.checklist_template == old


@pytest.mark.django_db
def test_only_curators_maintain_templates(promoter):
    current = ChecklistTemplate.objects.get(is_current=True)

    with pytest.raises(NotAllowed):
        services.checklist_template_new_version(template=current, actor=promoter)
    with pytest.raises(NotAllowed):
        services.checklist_template_make_current(template=current, actor=promoter)


# --- The checklist page -----------------------------------------------------------------------


def checklist_url(plan):
    return reverse("shape:plan-checklist", args=[plan.pk])


def answer_url(plan, item):
    return reverse("shape:checklist-answer", args=[plan.pk, item.pk])


@pytest.mark.django_db
def test_answering_through_the_page_updates_the_score_and_the_gap_list(
    client_for, plan, promoter, default_items
):
    client = client_for(promoter)
    item = max(default_items, key=lambda i: (i.weight, -i.pk))
    page = client.get(checklist_url(plan)).content.decode()
    assert "0 of 100" in page
    first_gap = re.search(r'class="gap-list">\s*<li>\s*<p><a href="[^"]*#item-(\d+)"', page)
    assert first_gap
    assert int(first_gap.group(1)) == item.pk

    response = client.post(
        answer_url(plan, item), {"answer": MET, "evidence": "Council decision of 3 May"}
    )

    assert response.status_code == 302
    assert response["Location"] == checklist_url(plan) + f"#item-{item.pk}"
    plan.refresh_from_db()
    assert plan.bankability_score > 0
    page = client.get(checklist_url(plan)).content.decode()
    assert f"{plan.bankability_score} of 100" in page
    assert "Answer saved." in page
    assert "Council decision of 3 May" in page
    gap_list = page.split('class="gap-list"')[1]
    assert f'#item-{item.pk}"' not in gap_list


@pytest.mark.django_db
def test_the_page_shows_the_questions_by_dimension_with_radio_buttons(client_for, plan, promoter):
    page = client_for(promoter).get(checklist_url(plan)).content.decode()

    assert "Strategic fit and political commitment" in page
    assert (
        page.count('type="radio"')
        == 4 * ChecklistItem.objects.filter(dimension__template__is_current=True).count()
    )
    assert 'enctype="multipart/form-data"' in page
    assert 'src="' + reverse("shape:checklist-chart", args=[plan.pk]) in page
    assert "EU facilities this plan may fit" in page


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["curator", "stakeholder"])
def test_read_only_viewers_see_the_scores_but_cannot_answer(
    request, client_for, plan, default_items, member, persona
):
    user = (
        make_stakeholder(plan, member)
        if persona == "stakeholder"
        else request.getfixturevalue(persona)
    )
    client = client_for(user)

    page = client.get(checklist_url(plan))
    response = client.post(answer_url(plan, default_items[0]), {"answer": MET})

    assert page.status_code == 200
    assert "Score and readiness" in page.content.decode()
    assert 'type="radio"' not in page.content.decode()
    assert response.status_code == 403
    assert not plan.answers.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other_promoter", "investor", "member"])
def test_people_with_no_relation_to_the_plan_get_404(
    request, client_for, plan, default_items, persona
):
    client = client_for(request.getfixturevalue(persona))

    for url in (
        checklist_url(plan),
        reverse("shape:checklist-chart", args=[plan.pk]),
        reverse("shape:readiness-report", args=[plan.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(answer_url(plan, default_items[0]), {"answer": MET}).status_code == 404


@pytest.mark.django_db
def test_visitors_are_sent_to_sign_in(client, plan, default_items):
    for url in (
        checklist_url(plan),
        reverse("shape:checklist-chart", args=[plan.pk]),
        reverse("shape:readiness-report", args=[plan.pk]),
        answer_url(plan, default_items[0]),
    ):
        response = client.post(url) if url.endswith(f"/{default_items[0].pk}/") else client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.django_db
def test_the_answer_address_takes_posts_only(client_for, plan, promoter, default_items):
    client = client_for(promoter)

    assert client.get(answer_url(plan, default_items[0])).status_code == 405
    assert client.post(checklist_url(plan)).status_code == 405


@pytest.mark.django_db
def test_an_item_of_another_checklist_is_not_found(client_for, plan, promoter):
    other = ChecklistTemplate.objects.create(name="Other", version=1)
    stray = ChecklistItem.objects.create(
        dimension=ChecklistDimension.objects.create(template=other, code="x", title="X"),
        code="x",
        question="?",
    )

    response = client_for(promoter).post(answer_url(plan, stray), {"answer": MET})

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("tool.exe", b"MZ\x90\x00"), "Attach a PDF"),
        (SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024)), "larger than 10 MB"),
    ],
    ids=["wrong-type", "too-big"],
)
def test_a_bad_evidence_file_is_a_form_error_and_nothing_is_saved(
    client_for, plan, promoter, default_items, upload, message
):
    item = default_items[0]
    upload.seek(0)

    response = client_for(promoter).post(
        answer_url(plan, item), {"answer": MET, "evidence": "See file", "evidence_file": upload}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'id="item-{item.pk}-evidence_file_error"' in page
    assert not plan.answers.exists()
    plan.refresh_from_db()
    assert plan.bankability_score == 0


@pytest.mark.django_db
def test_an_answer_is_required(client_for, plan, promoter, default_items):
    item = default_items[0]

    response = client_for(promoter).post(answer_url(plan, item), {"evidence": "Something"})

    assert response.status_code == 200
    assert f'id="item-{item.pk}-answer_error"' in response.content.decode()
    assert not plan.answers.exists()


@pytest.mark.django_db
def test_a_submitted_plan_refuses_answers_with_a_message(client_for, promoter, default_items):
    plan = PlanFactory(promoter=promoter, status=PlanStatus.SUBMITTED)
    client = client_for(promoter)

    response = client.post(answer_url(plan, default_items[0]), {"answer": MET}, follow=True)

    assert "status is “Submitted”" in response.content.decode()
    assert 'type="radio"' not in response.content.decode()
    assert not plan.answers.exists()


def answer_many(plan, promoter, items, count):
    for item in items[:count]:
        services.checklist_answer_set(plan=plan, item=item, answer=PARTLY, actor=promoter)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 38])
def test_the_checklist_page_needs_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries, promoter, default_items, count
):
    plan = PlanFactory(promoter=promoter)
    answer_many(plan, promoter, default_items, count)
    client = client_for(promoter)

    with django_assert_max_num_queries(8):
        response = client.get(checklist_url(plan))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 38])
def test_the_report_and_chart_need_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries, promoter, default_items, count
):
    plan = PlanFactory(promoter=promoter)
    answer_many(plan, promoter, default_items, count)
    client = client_for(promoter)

    with django_assert_max_num_queries(8):
        assert client.get(reverse("shape:readiness-report", args=[plan.pk])).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(reverse("shape:checklist-chart", args=[plan.pk])).status_code == 200


def policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in directives if words}


@pytest.mark.django_db
def test_the_chart_is_an_svg_of_the_dimension_scores_with_its_own_policy(
    client_for, plan, promoter, default_items
):
    services.checklist_answer_set(plan=plan, item=default_items[0], answer=MET, actor=promoter)

    response = client_for(promoter).get(reverse("shape:checklist-chart", args=[plan.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "<script" not in svg
    assert "Strategic fit and political commitment" in svg
    directives = policy(response)
    assert directives["default-src"] == ["'none'"]
    assert directives["style-src"] == ["'unsafe-inline'"]
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_page_keeps_the_site_policy(client_for, plan, promoter):
    response = client_for(promoter).get(checklist_url(plan))

    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_readiness_report_is_printable_without_forms(client_for, plan, promoter, curator):
    plan.title = "Ghent heat network"
    plan.save()

    for user in (promoter, curator):
        response = client_for(user).get(reverse("shape:readiness-report", args=[plan.pk]))

        assert response.status_code == 200
        page = response.content.decode()
        assert re.search(r'<link rel="stylesheet" href="[^"]*css/print\.css" media="print">', page)
        assert "Print command" in page
        assert "Ghent heat network" in page
        assert "All answers" in page
        assert '<form method="post" enctype' not in page
        assert "<script" not in page.split("<main")[1]


@pytest.mark.django_db
def test_the_engagement_items_point_to_the_dialogue_log_as_evidence(client_for, plan, promoter):
    page = client_for(promoter).get(reverse("shape:plan-checklist", args=[plan.pk]))

    log_url = reverse("shape:dialogue-log", args=[plan.pk])
    assert f'href="{log_url}"' in page.content.decode()
