"""A plan's files download only for those who may see the plan, and never inline."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shape.services import plans as services
from tests.shape.factories import PlanFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a tiny test document\n"


@pytest.fixture
def attachment(promoter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = PlanFactory(promoter=promoter)
    upload = SimpleUploadedFile("business-case.pdf", PDF, content_type="application/pdf")
    return services.attachment_add(plan=plan, actor=promoter, title="Business case", file=upload)


def download_url(attachment):
    return reverse("shape:attachment-download", args=[attachment.plan_id, attachment.pk])


def test_the_team_downloads_an_attachment_as_a_file(client_for, promoter, attachment):
    response = client_for(promoter).get(download_url(attachment))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("persona", ["other_promoter", "investor", "member"])
def test_people_outside_the_plan_get_a_404(client_for, request, attachment, persona):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(download_url(attachment)).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, attachment):
    response = client.get(download_url(attachment))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_attachment_of_another_plan_is_not_reachable_through_this_one(
    client_for, promoter, attachment
):
    own_plan = PlanFactory(promoter=promoter)
    url = reverse("shape:attachment-download", args=[own_plan.pk, attachment.pk])

    assert client_for(promoter).get(url).status_code == 404


def test_the_promoter_shares_a_bankable_plan_with_an_investor(client_for, promoter, investor):
    from shape.models import PlanStatus

    plan = PlanFactory(promoter=promoter, status=PlanStatus.BANKABLE)
    assert client_for(investor).get(plan.get_absolute_url()).status_code == 404

    response = client_for(promoter).post(
        reverse("shape:plan-share", args=[plan.pk]), {"email": investor.email}
    )

    assert response.status_code == 302
    assert client_for(investor).get(plan.get_absolute_url()).status_code == 200


def test_only_the_promoter_of_a_bankable_plan_shares_it(client_for, promoter, investor, curator):
    draft = PlanFactory(promoter=promoter)
    url = reverse("shape:plan-share", args=[draft.pk])

    assert client_for(promoter).post(url, {"email": investor.email}).status_code == 403
    assert client_for(curator).post(url, {"email": investor.email}).status_code == 403
    assert not draft.shares.exists()


def test_the_stored_type_comes_from_the_checked_name_not_from_the_browser(
    promoter, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    plan = PlanFactory(promoter=promoter)
    upload = SimpleUploadedFile("study.pdf", PDF, content_type="text/html")

    attachment = services.attachment_add(plan=plan, actor=promoter, title="Study", file=upload)

    assert (attachment.content_type, attachment.size) == ("application/pdf", len(PDF))
