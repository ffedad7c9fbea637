"""Stakeholder invitations and the plan dialogue: who takes part, who hears about it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Delivery, NotificationKind, NotificationPreference, Organisation, Role
from marketplace.errors import DomainError, NotAllowed, StateConflict
from shape.models import (
    ChecklistDimension,
    ChecklistItem,
    ChecklistTemplate,
    DialogueMessage,
    PlanShare,
    PlanStatus,
    StakeholderInvitation,
    StakeholderRole,
)
from shape.services import dialogue as services
from tests.factories import UserFactory
from tests.shape.factories import PlanFactory

pytestmark = pytest.mark.django_db

NEWCOMER_PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def plan(promoter):
    return PlanFactory(promoter=promoter)


def invite(plan, email, *, role=StakeholderRole.EXPERT):
    return services.stakeholder_invite(plan=plan, email=email, role=role, actor=plan.promoter)


def make_stakeholder(plan, email="stakeholder@example.org"):
    person = UserFactory(email=email, roles=[Role.MEMBER])
    services.stakeholder_invitation_accept(token=invite(plan, email).token, user=person)
    return person


@pytest.fixture
def stakeholder(plan):
    return make_stakeholder(plan)


@pytest.fixture
def thread(plan, stakeholder):
    return services.dialogue_thread_start(
        plan=plan, title="Noise during works", body="Nights must stay quiet.", actor=stakeholder
    )


def accept_link(message) -> str:
    return re.search(r"https?://\S+/shape/invitations/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# --- Invitations ------------------------------------------------------------------------------


def test_an_invited_newcomer_signs_up_accepts_and_takes_part_in_the_dialogue(
    client, plan, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(plan, "Nadia@Tartu.example", role=StakeholderRole.CITIZEN_REPRESENTATIVE)
    invitation_mail = mailoutbox[-1]
    assert invitation_mail.to == ["nadia@tartu.example"]
    assert plan.title in invitation_mail.subject
    invitation_url = path_of(accept_link(invitation_mail))

    response = client.get(invitation_url)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={invitation_url}"

    client.post(
        f"{reverse('account_signup')}?next={invitation_url}",
        {
            "email": "nadia@tartu.example",
            "password1": NEWCOMER_PASSWORD,
            "password2": NEWCOMER_PASSWORD,
            "name": "Nadia New",
            "organisation_name": "Tartu Residents",
            "organisation_kind": Organisation.Kind.NGO,
            "country": "EE",
        },
    )
    confirmation = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body)
    client.post(path_of(confirmation.group(0)))
    response = client.post(
        reverse("account_login"),
        {"login": "nadia@tartu.example", "password": NEWCOMER_PASSWORD, "next": invitation_url},
    )
    assert response.status_code == 302
    assert response.url == invitation_url

    assert plan.title in client.get(invitation_url).content.decode()
    response = client.post(invitation_url)
    assert response.status_code == 302
    assert response.url == reverse("shape:plan-dialogue", args=[plan.pk])
    response = client.post(
        reverse("shape:dialogue-thread-start", args=[plan.pk]),
        {"title": "Bus stops", "body": "Keep the stop at the school."},
    )
    assert response.status_code == 302
    page = client.get(reverse("shape:plan-dialogue", args=[plan.pk])).content.decode()
    assert "Keep the stop at the school." in page
    invitation = StakeholderInvitation.objects.get(plan=plan)
    assert invitation.stakeholder.email == "nadia@tartu.example"
    assert invitation.accepted_at is not None


def test_an_existing_member_accepts_with_the_invited_address_in_any_case(client_for, plan, member):
    invitation = invite(plan, "MEMBER@example.org")

    response = client_for(member).post(reverse("shape:invitation-accept", args=[invitation.token]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.stakeholder == member


def test_a_member_with_another_verified_address_cannot_use_a_forwarded_link(
    client_for, plan, member
):
    invitation = invite(plan, "someone-else@example.org")

    response = client_for(member).post(reverse("shape:invitation-accept", args=[invitation.token]))

    assert response.status_code == 400
    assert "someone-else@example.org" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert client_for(member).get(reverse("shape:plan-dialogue", args=[plan.pk])).status_code == 404


def test_an_unverified_address_does_not_count(plan, member):
    member.emailaddress_set.create(email="second@example.org", verified=False)
    invitation = invite(plan, "second@example.org")

    with pytest.raises(DomainError, match="confirm it"):
        services.stakeholder_invitation_accept(token=invitation.token, user=member)


def test_accepting_twice_is_harmless_but_nobody_else_can_take_the_invitation(plan, member):
    invitation = invite(plan, member.email)
    first = services.stakeholder_invitation_accept(token=invitation.token, user=member)
    again = services.stakeholder_invitation_accept(token=invitation.token, user=member)
    assert again.accepted_at == first.accepted_at

    other = UserFactory()
    other.emailaddress_set.create(email="second-" + member.email, verified=True)
    with pytest.raises(StateConflict):
        services.stakeholder_invitation_accept(token=invitation.token, user=other)


def test_a_second_open_invitation_to_one_address_is_a_form_error(client_for, plan):
    invite(plan, "expert@example.org")

    response = client_for(plan.promoter).post(
        reverse("shape:stakeholder-invite", args=[plan.pk]),
        {"email": "Expert@Example.org", "role": StakeholderRole.EXPERT},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert StakeholderInvitation.objects.filter(plan=plan).count() == 1


def test_a_revoked_invitation_can_be_sent_again_but_not_accepted(client_for, plan, member):
    invitation = invite(plan, member.email)
    response = client_for(plan.promoter).post(
        reverse("shape:stakeholder-revoke", args=[plan.pk, invitation.pk])
    )
    assert response.status_code == 302

    with pytest.raises(StateConflict):
        services.stakeholder_invitation_accept(token=invitation.token, user=member)
    assert invite(plan, member.email).pk != invitation.pk


def test_revoking_an_accepted_invitation_ends_access(client_for, plan, stakeholder):
    invitation = plan.invitations.get(stakeholder=stakeholder)

    services.stakeholder_invitation_revoke(invitation=invitation, actor=plan.promoter)

    response = client_for(stakeholder).get(reverse("shape:plan-dialogue", args=[plan.pk]))
    assert response.status_code == 404


def test_the_team_sees_every_invitation_and_a_stakeholder_only_who_takes_part(
    client_for, plan, stakeholder
):
    invite(plan, "pending@example.org")
    url = reverse("shape:plan-stakeholders", args=[plan.pk])

    team_page = client_for(plan.promoter).get(url).content.decode()
    stakeholder_page = client_for(stakeholder).get(url).content.decode()

    assert "pending@example.org" in team_page
    assert "Pending" in team_page
    assert "pending@example.org" not in stakeholder_page
    assert str(stakeholder) in stakeholder_page
    assert 'action="' + reverse("shape:stakeholder-invite", args=[plan.pk]) not in stakeholder_page


def test_a_stakeholder_may_not_invite_or_revoke(client_for, plan, stakeholder):
    invitation = invite(plan, "other@example.org")
    client = client_for(stakeholder)

    invited = client.post(
        reverse("shape:stakeholder-invite", args=[plan.pk]),
        {"email": "friend@example.org", "role": StakeholderRole.OTHER},
    )
    revoked = client.post(reverse("shape:stakeholder-revoke", args=[plan.pk, invitation.pk]))

    assert (invited.status_code, revoked.status_code) == (403, 403)
    with pytest.raises(NotAllowed):
        services.stakeholder_invite(
            plan=plan, email="friend@example.org", role=StakeholderRole.OTHER, actor=stakeholder
        )


# --- Access to the dialogue pages -------------------------------------------------------------


def dialogue_urls(plan, thread):
    return [
        ("get", reverse("shape:plan-dialogue", args=[plan.pk])),
        ("get", reverse("shape:dialogue-log", args=[plan.pk])),
        ("get", reverse("shape:dialogue-log-text", args=[plan.pk])),
        ("get", reverse("shape:plan-stakeholders", args=[plan.pk])),
        ("post", reverse("shape:dialogue-thread-start", args=[plan.pk])),
        ("post", reverse("shape:dialogue-reply", args=[plan.pk, thread.pk])),
        ("post", reverse("shape:dialogue-thread-resolve", args=[plan.pk, thread.pk])),
        ("post", reverse("shape:stakeholder-invite", args=[plan.pk])),
    ]


@pytest.mark.parametrize("persona", ["other_promoter", "investor", "member"])
def test_people_with_no_relation_to_the_plan_get_404_everywhere(
    request, client_for, plan, thread, persona
):
    client = client_for(request.getfixturevalue(persona))

    for method, url in dialogue_urls(plan, thread):
        assert getattr(client, method)(url, {"body": "x"}).status_code == 404, url


def test_visitors_are_sent_to_sign_in(client, plan, thread):
    for method, url in dialogue_urls(plan, thread):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_an_investor_the_plan_was_shared_with_reads_but_does_not_take_part(
    client_for, plan, thread, investor
):
    plan.status = PlanStatus.BANKABLE
    plan.save(update_fields=["status"])
    PlanShare.objects.create(plan=plan, investor=investor, shared_by=plan.promoter)
    client = client_for(investor)

    page = client.get(reverse("shape:plan-dialogue", args=[plan.pk]))
    reply = client.post(
        reverse("shape:dialogue-reply", args=[plan.pk, thread.pk]), {"body": "Interested."}
    )

    assert page.status_code == 200
    assert "Nights must stay quiet." in page.content.decode()
    assert reply.status_code == 403


@pytest.mark.parametrize(
    ("method", "name", "with_thread"),
    [
        ("post", "shape:plan-dialogue", False),
        ("put", "shape:plan-stakeholders", False),
        ("post", "shape:dialogue-log", False),
        ("get", "shape:dialogue-thread-start", False),
        ("get", "shape:dialogue-reply", True),
        ("get", "shape:dialogue-thread-resolve", True),
        ("get", "shape:dialogue-thread-reopen", True),
        ("get", "shape:stakeholder-invite", False),
    ],
)
def test_wrong_methods_are_refused(client_for, plan, thread, method, name, with_thread):
    args = [plan.pk, thread.pk] if with_thread else [plan.pk]

    response = getattr(client_for(plan.promoter), method)(reverse(name, args=args))

    assert response.status_code == 405


def test_wrong_method_on_an_invitation_is_refused(client_for, plan, member):
    invitation = invite(plan, member.email)
    url = reverse("shape:invitation-accept", args=[invitation.token])

    assert client_for(member).delete(url).status_code == 405


def test_an_unknown_invitation_token_is_not_found(client_for, member):
    url = reverse("shape:invitation-accept", args=["not-a-token"])

    assert client_for(member).get(url).status_code == 404


# --- Threads, replies, resolving --------------------------------------------------------------


@pytest.fixture
def checklist_item():
    template = ChecklistTemplate.objects.create(name="Dialogue test checklist", version=7)
    dimension = ChecklistDimension.objects.create(template=template, code="people", title="People")
    return ChecklistItem.objects.create(
        dimension=dimension, code="engagement", question="Were stakeholders and citizens engaged?"
    )


def test_a_thread_can_be_about_an_item_of_the_plans_checklist_only(
    plan, stakeholder, checklist_item
):
    plan.checklist_template = checklist_item.dimension.template
    plan.save(update_fields=["checklist_template"])
    thread = services.dialogue_thread_start(
        plan=plan, title="Engagement", body="Two workshops.", item=checklist_item, actor=stakeholder
    )
    assert thread.item == checklist_item

    other_template = ChecklistTemplate.objects.create(name="Other", version=1)
    other_dimension = ChecklistDimension.objects.create(
        template=other_template, code="x", title="X"
    )
    foreign = ChecklistItem.objects.create(dimension=other_dimension, code="y", question="Y?")
    with pytest.raises(DomainError) as refused:
        services.dialogue_thread_start(
            plan=plan, title="Other", body="Body", item=foreign, actor=stakeholder
        )
    assert refused.value.field == "item"


def test_a_resolved_thread_refuses_replies_until_reopened(client_for, plan, thread, stakeholder):
    services.dialogue_thread_resolve(thread=thread, actor=plan.promoter)
    url = reverse("shape:dialogue-reply", args=[plan.pk, thread.pk])

    response = client_for(stakeholder).post(url, {"body": "One more thing."})

    assert response.status_code == 200
    assert "Reopen it to reply" in response.content.decode()
    with pytest.raises(StateConflict):
        services.dialogue_reply(thread=thread, body="Again.", actor=stakeholder)

    services.dialogue_thread_reopen(thread=thread, actor=stakeholder)
    services.dialogue_reply(thread=thread, body="Again.", actor=stakeholder)
    assert thread.messages.count() == 2


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("starter", True), ("promoter", True), ("curator", True), ("other_stakeholder", False)],
)
def test_who_may_resolve_and_reopen_a_thread(request, client_for, plan, thread, persona, allowed):
    people = {
        "starter": lambda: thread.started_by,
        "promoter": lambda: plan.promoter,
        "curator": lambda: request.getfixturevalue("curator"),
        "other_stakeholder": lambda: make_stakeholder(plan, "second@example.org"),
    }
    client = client_for(people[persona]())

    resolved = client.post(reverse("shape:dialogue-thread-resolve", args=[plan.pk, thread.pk]))
    thread.refresh_from_db()
    assert (thread.resolved_at is not None) is allowed
    if not allowed:
        assert resolved.status_code == 403
        services.dialogue_thread_resolve(thread=thread, actor=plan.promoter)
    reopened = client.post(reverse("shape:dialogue-thread-reopen", args=[plan.pk, thread.pk]))
    thread.refresh_from_db()
    assert (thread.resolved_at is None) is allowed
    assert reopened.status_code == (302 if allowed else 403)


def test_open_threads_come_first(client_for, plan, stakeholder):
    older = services.dialogue_thread_start(plan=plan, title="Older", body="a", actor=stakeholder)
    done = services.dialogue_thread_start(plan=plan, title="Done", body="b", actor=stakeholder)
    services.dialogue_thread_resolve(thread=done, actor=stakeholder)
    newer = services.dialogue_thread_start(plan=plan, title="Newer", body="c", actor=stakeholder)

    response = client_for(plan.promoter).get(reverse("shape:plan-dialogue", args=[plan.pk]))

    assert [t.pk for t in response.context["threads"]] == [newer.pk, older.pk, done.pk]


# --- Notifications ----------------------------------------------------------------------------


def set_dialogue_delivery(person, delivery):
    NotificationPreference.objects.create(
        user=person, kind=NotificationKind.DIALOGUE, delivery=delivery
    )


def test_a_reply_mails_the_other_participants_as_each_chose(
    plan, thread, stakeholder, mailoutbox, django_capture_on_commit_callbacks
):
    quiet = make_stakeholder(plan, "quiet@example.org")
    later = make_stakeholder(plan, "later@example.org")
    services.dialogue_reply(thread=thread, body="I agree.", actor=quiet)
    services.dialogue_reply(thread=thread, body="Me too.", actor=later)
    set_dialogue_delivery(quiet, Delivery.OFF)
    set_dialogue_delivery(later, Delivery.DAILY)
    bystander = make_stakeholder(plan, "bystander@example.org")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.dialogue_reply(thread=thread, body="Works end at 20:00.", actor=stakeholder)

    assert sorted(m.to[0] for m in mailoutbox) == [plan.promoter.email]
    assert "Works end at 20:00." in mailoutbox[0].body
    assert f"#thread-{thread.pk}" in mailoutbox[0].body
    assert bystander.email not in {m.to[0] for m in mailoutbox}


def test_the_author_of_a_reply_is_not_mailed_and_revoked_stakeholders_hear_nothing(
    plan, thread, stakeholder, mailoutbox, django_capture_on_commit_callbacks
):
    services.stakeholder_invitation_revoke(
        invitation=plan.invitations.get(stakeholder=stakeholder), actor=plan.promoter
    )
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.dialogue_reply(thread=thread, body="Noted.", actor=plan.promoter)

    assert mailoutbox == []


def test_no_mail_leaves_when_the_reply_is_refused(
    plan, thread, mailoutbox, django_capture_on_commit_callbacks
):
    services.dialogue_thread_resolve(thread=thread, actor=plan.promoter)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(StateConflict):
        services.dialogue_reply(thread=thread, body="Late.", actor=plan.promoter)

    assert mailoutbox == []
    assert not DialogueMessage.objects.filter(body="Late.").exists()


# --- The log, and the page's cost -------------------------------------------------------------


def test_the_dialogue_log_lists_threads_messages_and_their_state(client_for, plan, thread, curator):
    services.dialogue_reply(thread=thread, body="We will fence it.", actor=plan.promoter)
    services.dialogue_thread_resolve(thread=thread, actor=plan.promoter)

    log = services.dialogue_log(plan=plan)
    page = client_for(curator).get(reverse("shape:dialogue-log", args=[plan.pk]))
    text = client_for(curator).get(reverse("shape:dialogue-log-text", args=[plan.pk]))

    [entry] = log["threads"]
    assert entry["title"] == "Noise during works"
    assert entry["resolved"]
    assert [m["body"] for m in entry["messages"]] == [
        "Nights must stay quiet.",
        "We will fence it.",
    ]
    assert "We will fence it." in page.content.decode()
    assert text["Content-Type"].startswith("text/plain")
    assert "attachment" in text["Content-Disposition"]
    body = text.content.decode()
    for expected in ("Noise during works", "We will fence it.", "resolved"):
        assert expected in body


def page_queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("shape:plan-dialogue", args=[plan.pk]))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["promoter", "stakeholder"])
def test_the_dialogue_page_costs_the_same_with_1_and_20_messages(
    request, client_for, plan, thread, checklist_item, persona
):
    plan.checklist_template = checklist_item.dimension.template
    plan.save(update_fields=["checklist_template"])
    client = client_for(request.getfixturevalue(persona))
    client.get(reverse("home"))  # the header's unread count is cached from the first page on
    few = page_queries(client, plan)

    for number in range(19):
        author = thread.started_by if number % 2 else plan.promoter
        DialogueMessage.objects.create(thread=thread, author=author, body=f"Message {number}")
    second = services.dialogue_thread_start(
        plan=plan, title="Another", body="Body", actor=thread.started_by
    )
    services.dialogue_thread_resolve(thread=second, actor=plan.promoter)
    many = page_queries(client, plan)

    assert few == many
    assert many <= 14


def test_the_stakeholder_list_costs_the_same_with_1_and_20_invitations(client_for, plan):
    client = client_for(plan.promoter)
    url = reverse("shape:plan-stakeholders", args=[plan.pk])
    invite(plan, "first@example.org")
    client.get(url)  # the header's unread count is cached from the first page on
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(19):
        invite(plan, f"guest{number}@example.org")
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(few) == len(many)
