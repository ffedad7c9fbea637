"""In-app notifications, their unread count, e-mail per preference and the daily digest."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from accounts import services
from accounts.models import Delivery, Notification, NotificationKind, NotificationPreference
from accounts.tasks import send_daily_digests
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def prefer(person, kind, delivery):
    NotificationPreference.objects.update_or_create(
        user=person, kind=kind, defaults={"delivery": delivery}
    )


def notify(person, title="A new deal request for District heating", **fields):
    fields.setdefault("kind", NotificationKind.DEAL_REQUEST)
    fields.setdefault("url", "/deal/")
    return services.notify(recipient=person, title=title, **fields)


def test_a_notification_is_e_mailed_at_once_by_default(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(member)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "A new deal request for District heating" in mail.outbox[0].subject
    assert "/deal/" in mail.outbox[0].body


def test_off_means_no_e_mail_but_the_notification_is_still_listed(
    client_for, member, django_capture_on_commit_callbacks
):
    prefer(member, NotificationKind.DEAL_REQUEST, Delivery.OFF)

    with django_capture_on_commit_callbacks(execute=True):
        notify(member)

    assert mail.outbox == []
    page = client_for(member).get(reverse("accounts:notifications")).content.decode()
    assert "A new deal request for District heating" in page


def test_the_daily_digest_gathers_what_waited_and_sends_it_once(
    member, django_capture_on_commit_callbacks
):
    prefer(member, NotificationKind.DEAL_REQUEST, Delivery.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        notify(member, title="First request")
        notify(member, title="Second request")
        notify(member, title="A match", kind=NotificationKind.MATCH)  # immediately

    assert [message.subject for message in mail.outbox] == [mail.outbox[0].subject]
    assert "A match" in mail.outbox[0].subject
    mail.outbox.clear()

    assert send_daily_digests.delay().get() == 1
    assert send_daily_digests.delay().get() == 0

    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [member.email]
    assert "First request" in digest.body
    assert "Second request" in digest.body
    assert "A match" not in digest.body


def test_each_person_gets_only_their_own_digest(member, promoter):
    for person in (member, promoter):
        prefer(person, NotificationKind.MATCH, Delivery.DAILY)
        notify(person, title=f"Match for {person.email}", kind=NotificationKind.MATCH)

    send_daily_digests.delay().get()

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert set(bodies) == {member.email, promoter.email}
    assert promoter.email not in bodies[member.email]


def test_lazy_titles_are_written_in_the_default_language(member, settings):
    title = format_lazy(gettext_lazy("Your profile was saved."))
    from django.utils import translation

    with translation.override("fr"):
        notification = notify(member, title=title)

    assert notification.title == "Your profile was saved."


def test_the_header_shows_the_unread_count_until_read(client_for, member):
    client = client_for(member)
    for number in range(3):
        notify(member, title=f"Request {number}")

    page = client.get(reverse("accounts:notifications")).content.decode()
    assert '<span class="badge">3<span class="visually-hidden"> unread' in page

    opened = Notification.objects.filter(recipient=member).first()
    response = client.get(reverse("accounts:notification-open", args=[opened.pk]))
    assert response.status_code == 302
    assert response.url == "/deal/"
    page = client.get(reverse("home")).content.decode()
    assert '<span class="badge">2<span class="visually-hidden"> unread' in page

    client.post(reverse("accounts:notifications-mark-all-read"))
    page = client.get(reverse("home")).content.decode()
    assert '<span class="badge">' not in page


def test_the_unread_filter_lists_only_unread_ones(client_for, member):
    read = notify(member, title="Old news")
    services.notifications_mark_read(user=member, ids=[read.pk])
    notify(member, title="Fresh news")

    page = client_for(member).get(reverse("accounts:notifications") + "?show=unread")

    assert "Fresh news" in page.content.decode()
    assert "Old news" not in page.content.decode()


def test_nobody_opens_someone_elses_notification(client_for, member, promoter):
    theirs = notify(promoter)

    response = client_for(member).get(reverse("accounts:notification-open", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_link_to_another_site_is_not_followed(client_for, member):
    notification = notify(member, url="https://evil.example/phish")

    response = client_for(member).get(reverse("accounts:notification-open", args=[notification.pk]))

    assert response.url == reverse("accounts:notifications")


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("accounts:notifications"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_list_pages_without_a_500_for_any_page_number(client_for, member):
    for number in range(30):
        notify(member, title=f"Request {number}")
    client = client_for(member)

    for page in ("2", "999", "abc", ""):
        assert client.get(reverse("accounts:notifications"), {"page": page}).status_code == 200


@pytest.mark.parametrize("rows", [1, 40])
def test_the_list_costs_the_same_queries_for_few_and_many(
    client_for, member, rows, django_assert_max_num_queries
):
    for number in range(rows):
        notify(member, title=f"Request {number}")
    client = client_for(member)
    client.get(reverse("home"))

    with django_assert_max_num_queries(6):
        client.get(reverse("accounts:notifications"))


def test_the_api_lists_only_the_callers_notifications(client_for, member, promoter):
    mine = notify(member, title="Mine")
    notify(promoter, title="Not mine")
    client = client_for(member)

    listed = client.get("/api/v1/notifications/").json()

    assert [row["title"] for row in listed["results"]] == ["Mine"]
    assert client.get(f"/api/v1/notifications/{mine.pk}/").json()["unread"] is True


def test_the_api_marks_one_and_all_read(client_for, member, promoter):
    first, second = notify(member, title="One"), notify(member, title="Two")
    theirs = notify(promoter)
    client = client_for(member)

    assert client.post(f"/api/v1/notifications/{first.pk}/read/").json()["unread"] is False
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 1
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked_read": 1}
    second.refresh_from_db()
    theirs.refresh_from_db()
    assert second.read_at is not None
    assert theirs.read_at is None


def test_the_api_needs_a_signed_in_caller(client):
    assert client.get("/api/v1/notifications/").status_code in (401, 403)


def test_an_inactive_person_gets_no_e_mail(django_capture_on_commit_callbacks):
    person = UserFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        notify(person)

    assert mail.outbox == []
