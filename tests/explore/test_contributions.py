"""Members contribute solutions and knowledge; curators publish or send them back."""

import re
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from explore import services
from explore.models import Area, KnowledgeItem, ModerationRecord, PublicationStatus, Solution
from marketplace.errors import DomainError, NotAllowed, StateConflict
from tests.explore.factories import CityFactory, TagFactory
from tests.services import require_postgres

pytestmark = pytest.mark.django_db

SOLUTION = {
    "title": "Shared e-cargo bikes",
    "summary": "Neighbourhood hubs lend electric cargo bikes to residents and shops.",
    "body": "Hubs in three districts.",
    "maturity": "pilot",
    "cost_min_eur": 40_000,
    "cost_max_eur": 120_000,
}


def submitted_solution(author):
    return services.content_create(model=Solution, author=author, data=SOLUTION, submit=True)


def published_solution(author, curator):
    return services.content_publish(item=submitted_solution(author), actor=curator)


def test_a_member_saves_a_draft_that_only_they_and_curators_can_see(
    client_for, member, promoter, curator, visitor
):
    draft = services.content_create(model=Solution, author=member, data=SOLUTION)
    url = draft.get_absolute_url()

    assert draft.status == PublicationStatus.DRAFT
    assert draft.provider == member.organisation
    assert draft.cost_band == "under_50k"
    assert client_for(member).get(url).status_code == 200
    assert client_for(curator).get(url).status_code == 200
    assert client_for(promoter).get(url).status_code == 404
    assert client_for(visitor).get(url).status_code == 404


def test_submitting_puts_it_in_the_moderation_queue(client_for, member, curator):
    solution = submitted_solution(member)

    queue = client_for(curator).get(reverse("explore:moderation-queue")).content.decode()

    assert solution.status == PublicationStatus.PENDING
    assert "Shared e-cargo bikes" in queue


def test_the_queue_shows_a_curator_what_an_edit_changes(client_for, member, curator):
    solution = published_solution(member, curator)
    mobility = Area.objects.get(slug="sustainable-urban-mobility")
    services.content_update(
        item=solution,
        actor=member,
        data={**SOLUTION, "title": "Shared e-cargo bikes 2.0", "maturity": "at_scale"},
    )
    services.content_update(item=solution, actor=member, data={"areas": [mobility]})

    queue = client_for(curator).get(reverse("explore:moderation-queue")).content.decode()

    rows = re.findall(
        r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td></tr>', queue
    )
    assert rows == [
        ("Title", "Shared e-cargo bikes", "Shared e-cargo bikes 2.0"),
        ("Maturity", "Pilot", "Deployed at scale"),
        ("Areas", "—", "Sustainable urban mobility"),
    ]


@pytest.mark.parametrize("edits", [1, 5])
def test_the_queue_with_edits_needs_a_fixed_number_of_queries(
    client_for, member, curator, django_assert_max_num_queries, edits
):
    for number in range(edits):
        solution = published_solution(member, curator)
        services.content_update(item=solution, actor=member, data={"title": f"Edit {number}"})
    client = client_for(curator)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("explore:moderation-queue"))

    assert response.content.decode().count("What this edit changes") == edits


def test_a_curator_publishes_and_the_author_hears_of_it(
    client_for, member, curator, django_capture_on_commit_callbacks
):
    solution = submitted_solution(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(curator).post(
            reverse("explore:moderation-decide", args=["solution", solution.pk, "publish"])
        )

    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.status == PublicationStatus.PUBLISHED
    assert solution.published_at is not None
    assert mail.outbox[-1].to == [member.email]
    assert "Published" in mail.outbox[-1].subject
    record = ModerationRecord.objects.filter(object_id=solution.pk).first()
    assert (record.action, record.actor) == ("published", curator)


def test_a_rejection_needs_a_reason_and_sends_it_to_the_author(
    member, curator, django_capture_on_commit_callbacks
):
    solution = submitted_solution(member)

    with pytest.raises(DomainError):
        services.content_reject(item=solution, actor=curator, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.content_reject(item=solution, actor=curator, reason="Add a cost breakdown.")

    solution.refresh_from_db()
    assert solution.status == PublicationStatus.DRAFT
    assert "Add a cost breakdown." in mail.outbox[-1].body


def test_a_decision_cannot_be_made_twice(member, curator):
    solution = submitted_solution(member)
    services.content_publish(item=solution, actor=curator)

    with pytest.raises(StateConflict):
        services.content_reject(item=solution, actor=curator, reason="Too late")


def test_only_curators_decide(member, promoter):
    solution = submitted_solution(member)

    with pytest.raises(NotAllowed):
        services.content_publish(item=solution, actor=promoter)


def test_editing_a_published_solution_keeps_it_up_until_the_edit_is_approved(
    client, member, curator
):
    solution = published_solution(member, curator)

    revision = services.content_update(
        item=solution, actor=member, data={**SOLUTION, "title": "Shared e-cargo bikes 2.0"}
    )

    solution.refresh_from_db()
    assert solution.title == "Shared e-cargo bikes"
    assert solution.status == PublicationStatus.PUBLISHED
    assert revision.revision_of == solution
    assert revision.status == PublicationStatus.PENDING
    assert client.get(solution.get_absolute_url()).status_code == 200

    services.content_publish(item=revision, actor=curator)

    solution.refresh_from_db()
    assert solution.title == "Shared e-cargo bikes 2.0"
    assert not Solution.objects.filter(pk=revision.pk).exists()


def test_a_member_edits_again_after_a_curator_archived_their_pending_edit(
    client_for, member, curator
):
    solution = published_solution(member, curator)
    first_edit = services.content_update(
        item=solution, actor=member, data={**SOLUTION, "title": "Shared e-cargo bikes 2.0"}
    )
    services.content_archive(item=first_edit, actor=curator, reason="Superseded")
    data = {**SOLUTION, "title": "Shared e-cargo bikes 3.0", "submit": "1"}

    response = client_for(member).post(
        reverse("explore:item-edit", args=["solution", solution.pk]), data
    )

    assert response.status_code == 302
    second_edit = Solution.objects.get(revision_of=solution, status=PublicationStatus.PENDING)
    assert second_edit.title == "Shared e-cargo bikes 3.0"
    assert second_edit.slug != first_edit.slug
    first_edit.refresh_from_db()
    assert first_edit.status == PublicationStatus.ARCHIVED
    services.content_publish(item=second_edit, actor=curator)
    solution.refresh_from_db()
    assert solution.title == "Shared e-cargo bikes 3.0"


def test_another_member_cannot_edit_or_submit_someone_elses_item(client_for, member, promoter):
    draft = services.content_create(model=Solution, author=member, data=SOLUTION)
    client = client_for(promoter)

    assert client.get(reverse("explore:item-edit", args=["solution", draft.pk])).status_code == 404
    assert (
        client.post(reverse("explore:item-submit", args=["solution", draft.pk])).status_code == 404
    )
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT


@pytest.mark.parametrize(
    ("persona", "expected"), [("visitor", 302), ("member", 403), ("curator", 200)]
)
def test_who_may_open_the_moderation_queue(client_for, request, persona, expected):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(reverse("explore:moderation-queue")).status_code == expected


def test_deciding_only_accepts_post(client_for, member, curator):
    solution = submitted_solution(member)
    url = reverse("explore:moderation-decide", args=["solution", solution.pk, "publish"])

    assert client_for(curator).get(url).status_code == 405


def test_a_member_submits_a_solution_through_the_form(client_for, member):
    mobility = Area.objects.get(slug="sustainable-urban-mobility")
    data = {**SOLUTION, "areas": [mobility.pk], "submit": "1"}

    response = client_for(member).post(reverse("explore:item-create", args=["solution"]), data)

    assert response.status_code == 302
    solution = Solution.objects.get(title="Shared e-cargo bikes")
    assert solution.status == PublicationStatus.PENDING
    assert list(solution.areas.all()) == [mobility]


def test_the_form_offers_tags_and_cities_as_ticks_and_tells_the_image_limits(client_for, member):
    leipzig = CityFactory(name="Leipzig", country="DE")
    CityFactory(name="Lyon", country="FR")
    tag = TagFactory(name="Cargo bikes")
    url = reverse("explore:item-create", args=["solution"])

    html = client_for(member).get(url).content.decode()

    assert f'type="checkbox" name="tags" value="{tag.pk}"' in html
    assert re.search(rf'value="{leipzig.pk}"[^>]*> Leipzig \(Germany\)</label>', html)
    assert "JPEG, PNG or WebP, at most 2 MB." in html

    data = {**SOLUTION, "tags": [tag.pk], "cities": [leipzig.pk], "submit": "1"}
    assert client_for(member).post(url, data).status_code == 302
    solution = Solution.objects.get(title="Shared e-cargo bikes")
    assert (list(solution.tags.all()), list(solution.cities.all())) == ([tag], [leipzig])


def test_bad_form_input_is_shown_and_nothing_is_saved(client_for, member):
    data = {**SOLUTION, "cost_min_eur": 90_000, "cost_max_eur": 10_000, "title": ""}

    response = client_for(member).post(reverse("explore:item-create", args=["solution"]), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "title" in errors
    assert "cost_max_eur" in errors
    assert not Solution.objects.exists()


def test_an_uploaded_file_that_is_not_an_image_is_refused(client_for, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.png", b"not really a picture", content_type="image/png")
    data = {**SOLUTION, "image": fake}

    response = client_for(member).post(reverse("explore:item-create", args=["solution"]), data)

    assert response.status_code == 200
    assert "image" in response.context["form"].errors


def test_an_event_needs_a_start_and_a_place(member):
    with pytest.raises(ValidationError) as refused:
        services.content_create(
            model=KnowledgeItem,
            author=member,
            data={"kind": "event", "title": "Mobility week", "summary": "Talks and rides"},
        )

    assert "event_start" in refused.value.message_dict
    assert not KnowledgeItem.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_curators_deciding_at_once_give_one_outcome(member, curator):
    require_postgres()
    from tests.factories import UserFactory

    other_curator = UserFactory(roles=["member", "curator"])
    solution = submitted_solution(member)
    outcomes = []
    barrier = threading.Barrier(2)

    def decide(actor, decision):
        barrier.wait()
        try:
            if decision == "publish":
                services.content_publish(item=solution, actor=actor)
            else:
                services.content_reject(item=solution, actor=actor, reason="Not yet")
            outcomes.append(decision)
        except StateConflict:
            outcomes.append("conflict")
        finally:
            connection.close()  # each thread opened its own connection

    threads = [
        threading.Thread(target=decide, args=(curator, "publish")),
        threading.Thread(target=decide, args=(other_curator, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) in (["conflict", "publish"], ["conflict", "reject"])
    decisions = ModerationRecord.objects.filter(object_id=solution.pk).exclude(action="submitted")
    assert decisions.count() == 1
