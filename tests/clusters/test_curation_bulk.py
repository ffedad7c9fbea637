"""Deciding proposed initiatives and reported posts in bulk from the curator dashboard."""

import pytest
from django.conf import settings
from django.urls import reverse

from clusters.models import Decision, Initiative, InitiativeStatus, PostReport, ReportStatus
from clusters.services import curation
from clusters.services import discussions as discussion_services
from clusters.services import initiatives as initiative_services
from marketplace.errors import DomainError, NotAllowed
from tests.clusters.factories import ClusterFactory, DiscussionFactory, PostFactory
from tests.factories import UserFactory

PROPOSALS = "clusters:proposal-bulk"
REPORTS = "clusters:report-bulk"


def _propose(name, proposer):
    return initiative_services.initiative_propose(
        lead_cluster=ClusterFactory(), actor=proposer, name=name
    )


def _report(body, reporter, *, post=None, discussion="Tenders"):
    post = post or PostFactory(discussion=DiscussionFactory(title=discussion), body=body)
    return discussion_services.post_report(post=post, actor=reporter, reason="Off-topic")


def _with_ids(data: dict, **ids) -> dict:
    """Fill the "{pk}" placeholders of parametrized form data once the rows exist."""
    return {
        key: [value.format(**ids) for value in values] if isinstance(values, list) else values
        for key, values in data.items()
    }


def _status(model, obj):
    return model.objects.get(pk=obj.pk).status


# --- Proposed initiatives ----------------------------------------------------------------------


def test_curator_accepts_several_proposals_at_once(client_for, member, other_promoter, curator):
    heat = _propose("Heat pumps", member)
    data = _propose("Data spaces", other_promoter)
    waiting = _propose("Still waiting", member)

    response = client_for(curator).post(
        reverse(PROPOSALS),
        {
            "proposals-proposals": [heat.pk, data.pk],
            "proposals-action": "accept",
            "proposals-reason": "Welcome aboard.",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Accepted: Data spaces, Heat pumps." in page
    assert _status(Initiative, heat) == InitiativeStatus.ACTIVE
    assert _status(Initiative, data) == InitiativeStatus.ACTIVE
    assert _status(Initiative, waiting) == InitiativeStatus.PROPOSED
    accepted = Decision.objects.filter(action=Decision.Action.INITIATIVE_ACCEPTED)
    assert {(record.actor, record.reason) for record in accepted} == {(curator, "Welcome aboard.")}
    assert accepted.count() == 2
    notices = client_for(member).get(reverse("accounts:notifications")).content.decode()
    assert "Your initiative Heat pumps was accepted" in notices
    assert client_for(member).get(heat.get_absolute_url()).status_code == 200


def test_curator_declines_several_proposals_with_one_reason(client_for, member, curator):
    heat, data = _propose("Heat pumps", member), _propose("Data spaces", member)
    client = client_for(curator)
    chosen = {"proposals-proposals": [heat.pk, data.pk], "proposals-action": "decline"}

    no_reason = client.post(reverse(PROPOSALS), {**chosen, "proposals-reason": "  "})
    assert no_reason.status_code == 400
    assert "Say why: the proposers are told." in no_reason.content.decode()
    assert _status(Initiative, heat) == InitiativeStatus.PROPOSED

    response = client.post(
        reverse(PROPOSALS), {**chosen, "proposals-reason": "Out of scope."}, follow=True
    )

    assert "Declined: Data spaces, Heat pumps." in response.content.decode()
    assert _status(Initiative, heat) == _status(Initiative, data) == InitiativeStatus.DECLINED
    declined = Decision.objects.filter(action=Decision.Action.INITIATIVE_DECLINED)
    assert [record.reason for record in declined] == ["Out of scope.", "Out of scope."]
    notices = client_for(member).get(reverse("accounts:notifications")).content.decode()
    assert "Your initiative Data spaces was declined" in notices
    assert "Out of scope." in notices


def test_a_proposal_decided_meanwhile_is_skipped_and_the_others_decided(
    client_for, member, curator, monkeypatch
):
    first, second = _propose("First idea", member), _propose("Second idea", member)
    other_curator = UserFactory(roles=curator.roles)
    accept = initiative_services.initiative_accept

    def another_curator_declines_second_first(*, initiative, actor, reason=""):
        # The other curator's decision lands after the form was checked, before ours.
        if initiative.pk == first.pk:
            initiative_services.initiative_decline(
                initiative=second, actor=other_curator, reason="Duplicate."
            )
        return accept(initiative=initiative, actor=actor, reason=reason)

    monkeypatch.setattr(
        initiative_services, "initiative_accept", another_curator_declines_second_first
    )

    response = client_for(curator).post(
        reverse(PROPOSALS),
        {"proposals-proposals": [first.pk, second.pk], "proposals-action": "accept"},
        follow=True,
    )

    page = response.content.decode()
    assert "Accepted: First idea." in page
    assert "Second idea: This proposal has been decided already." in page
    assert _status(Initiative, first) == InitiativeStatus.ACTIVE
    assert _status(Initiative, second) == InitiativeStatus.DECLINED


def test_proposal_bulk_service_skips_decided_ones_and_refuses_non_curators(member, curator):
    fresh, decided = _propose("Fresh", member), _propose("Decided", member)
    initiative_services.initiative_accept(initiative=decided, actor=curator)

    outcome = curation.proposal_bulk_decide(
        initiatives=[fresh, decided], action="decline", actor=curator, reason="No budget."
    )

    assert [initiative.pk for initiative in outcome.done] == [fresh.pk]
    assert [initiative.pk for initiative, _message in outcome.skipped] == [decided.pk]
    with pytest.raises(NotAllowed):
        curation.proposal_bulk_decide(initiatives=[fresh], action="accept", actor=member)
    with pytest.raises(DomainError):
        curation.proposal_bulk_decide(initiatives=[fresh], action="decline", actor=curator)


# --- Reported posts ----------------------------------------------------------------------------


def test_curator_hides_several_reported_posts_at_once(client_for, member, other_promoter, curator):
    spam = _report("Buy cheap sensors", member, discussion="Sensors")
    same_post = _report("", other_promoter, post=spam.post)
    rant = _report("You are all wrong", member, discussion="Lighting")
    left_open = _report("Fine post", member, discussion="Parking")

    response = client_for(curator).post(
        reverse(REPORTS),
        {
            "reports-reports": [spam.pk, same_post.pk, rant.pk],
            "reports-action": "hide",
            "reports-reason": "Breaks the house rules.",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Posts hidden: Sensors: “Buy cheap sensors”, reported by" in page
    assert "Lighting: “You are all wrong”" in page
    assert "decided already" not in page
    for report in (spam, same_post, rant):
        assert _status(PostReport, report) == ReportStatus.HIDDEN
    assert _status(PostReport, left_open) == ReportStatus.OPEN
    hidden = Decision.objects.filter(action=Decision.Action.POST_HIDDEN)
    assert [record.reason for record in hidden] == ["Breaks the house rules."] * 2
    discussion = client_for(member).get(spam.post.discussion.get_absolute_url())
    assert "Buy cheap sensors" not in discussion.content.decode()


def test_curator_dismisses_several_reports_and_needs_a_reason(client_for, member, curator):
    first = _report("A fair question", member, discussion="Tenders")
    second = _report("Another fair question", member, discussion="Budgets")
    client = client_for(curator)
    chosen = {"reports-reports": [first.pk, second.pk], "reports-action": "dismiss"}

    no_reason = client.post(reverse(REPORTS), chosen)
    assert no_reason.status_code == 400
    assert "Say why: the reason is recorded with the decision." in no_reason.content.decode()
    assert _status(PostReport, first) == ReportStatus.OPEN

    response = client.post(
        reverse(REPORTS), {**chosen, "reports-reason": "Nothing wrong."}, follow=True
    )

    page = response.content.decode()
    assert "Reports dismissed: Tenders: “A fair question”" in page
    assert "No report is open." in page
    assert _status(PostReport, first) == _status(PostReport, second) == ReportStatus.DISMISSED
    dismissed = Decision.objects.filter(action=Decision.Action.REPORT_DISMISSED)
    assert [(record.actor, record.reason) for record in dismissed] == [
        (curator, "Nothing wrong.")
    ] * 2
    discussion = client_for(member).get(first.post.discussion.get_absolute_url())
    assert "A fair question" in discussion.content.decode()


def test_a_report_decided_meanwhile_is_skipped_and_the_others_decided(
    client_for, member, curator, monkeypatch
):
    first = _report("First post", member, discussion="Tenders")
    second = _report("Second post", member, discussion="Budgets")
    other_curator = UserFactory(roles=curator.roles)
    dismiss = discussion_services.report_dismiss

    def another_curator_hides_second_first(*, report, actor, reason):
        # The other curator's decision lands after the form was checked, before ours.
        if report.pk == first.pk:
            discussion_services.report_hide_post(report=second, actor=other_curator, reason="Spam.")
        return dismiss(report=report, actor=actor, reason=reason)

    monkeypatch.setattr(discussion_services, "report_dismiss", another_curator_hides_second_first)

    response = client_for(curator).post(
        reverse(REPORTS),
        {
            "reports-reports": [first.pk, second.pk],
            "reports-action": "dismiss",
            "reports-reason": "Fine.",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Reports dismissed: Tenders: “First post”" in page
    assert "Budgets: “Second post”, reported by" in page
    assert "This report has been decided already." in page
    assert _status(PostReport, first) == ReportStatus.DISMISSED
    assert _status(PostReport, second) == ReportStatus.HIDDEN


def test_report_bulk_service_refuses_non_curators_and_a_missing_reason(member, curator):
    report = _report("Some post", member)
    with pytest.raises(NotAllowed):
        curation.report_bulk_decide(reports=[report], action="hide", actor=member, reason="x")
    with pytest.raises(DomainError):
        curation.report_bulk_decide(reports=[report], action="dismiss", actor=curator, reason="")
    with pytest.raises(DomainError):
        curation.report_bulk_decide(reports=[report], action="delete", actor=curator, reason="x")
    assert _status(PostReport, report) == ReportStatus.OPEN


# --- Who may, and what is refused --------------------------------------------------------------


@pytest.mark.parametrize("url_name", [PROPOSALS, REPORTS])
def test_bulk_decisions_are_for_curators_and_post_only(
    client_for, visitor, member, promoter, curator, url_name
):
    url = reverse(url_name)

    anonymous = client_for(visitor).post(url, {})
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse(settings.LOGIN_URL))
    assert client_for(member).post(url, {}).status_code == 403
    assert client_for(promoter).post(url, {}).status_code == 403
    assert client_for(curator).get(url).status_code == 405


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"proposals-action": "accept"}, "This field is required."),
        ({"proposals-proposals": ["{pk}"], "proposals-action": "merge"}, "Select a valid choice"),
        ({"proposals-proposals": ["{other}"], "proposals-action": "accept"}, "Select a valid"),
        ({"proposals-proposals": ["abc"], "proposals-action": "accept"}, "Select a valid"),
    ],
    ids=["nothing-chosen", "unknown-action", "not-pending", "not-an-id"],
)
def test_bad_proposal_bulk_input_is_a_form_error_and_changes_nothing(
    client_for, member, curator, data, error
):
    pending = _propose("Pending idea", member)
    accepted = _propose("Accepted idea", member)
    initiative_services.initiative_accept(initiative=accepted, actor=curator)
    data = _with_ids(data, pk=pending.pk, other=accepted.pk)

    response = client_for(curator).post(reverse(PROPOSALS), data)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert _status(Initiative, pending) == InitiativeStatus.PROPOSED
    assert not Decision.objects.filter(action=Decision.Action.INITIATIVE_DECLINED).exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reports-action": "hide", "reports-reason": "x"}, "This field is required."),
        (
            {"reports-reports": ["{pk}"], "reports-action": "delete", "reports-reason": "x"},
            "Select a valid choice",
        ),
        (
            {"reports-reports": ["{other}"], "reports-action": "hide", "reports-reason": "x"},
            "Select a valid choice",
        ),
        ({"reports-reports": ["{pk}"], "reports-action": "hide"}, "Say why"),
    ],
    ids=["nothing-chosen", "unknown-action", "not-open", "no-reason"],
)
def test_bad_report_bulk_input_is_a_form_error_and_changes_nothing(
    client_for, member, curator, data, error
):
    open_report = _report("Open post", member)
    dismissed = _report("Dismissed post", member)
    discussion_services.report_dismiss(report=dismissed, actor=curator, reason="Fine.")
    data = _with_ids(data, pk=open_report.pk, other=dismissed.pk)

    response = client_for(curator).post(reverse(REPORTS), data)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert _status(PostReport, open_report) == ReportStatus.OPEN
    assert not Decision.objects.filter(action=Decision.Action.POST_HIDDEN).exists()


def test_the_dashboard_offers_the_bulk_forms_with_labelled_fields(client_for, member, curator):
    _propose("Heat pumps", member)
    _report("Buy cheap sensors", member, discussion="Sensors")

    page = client_for(curator).get(reverse("clusters:dashboard")).content.decode()

    assert "<legend>Proposed initiatives</legend>" in page
    assert "<legend>Reports</legend>" in page
    for field in ("proposals-action", "proposals-reason", "reports-action", "reports-reason"):
        assert f'<label for="id_{field}">' in page
    assert 'id="id_proposals-proposals_0"> Heat pumps</label>' in page
    assert f"Sensors: “Buy cheap sensors”, reported by {member}</label>" in page
