"""Curators find deal rooms, their documents and meetings in the admin."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from deal.services import rooms as services
from tests.deal.factories import BankablePlanFactory, DealRoomFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_shows_rooms_documents_and_meetings(
    client, promoter, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    room = DealRoomFactory(request__plan=BankablePlanFactory(promoter=promoter, title="Heat"))
    services.room_message_post(room=room, author=promoter, body="Hello")
    document = services.room_document_share(
        room=room, actor=promoter, title="Model", file=SimpleUploadedFile("m.pdf", b"%PDF-1.4")
    )
    proposal = services.meeting_propose(
        room=room, actor=promoter, subject="Call", starts=[timezone.now() + timedelta(days=1)]
    )
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)

    pages = [
        reverse("admin:deal_dealroom_changelist"),
        reverse("admin:deal_dealroom_change", args=[room.pk]),
        reverse("admin:deal_roomdocument_changelist"),
        reverse("admin:deal_roomdocument_change", args=[document.pk]),
        reverse("admin:deal_meetingproposal_changelist"),
        reverse("admin:deal_meetingproposal_change", args=[proposal.pk]),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page

    document_page = client.get(pages[3]).content.decode()
    assert reverse("deal:room-document-download", args=[room.pk, document.pk]) in document_page
    assert "/media/" not in document_page
    assert "Heat" in client.get(pages[0]).content.decode()
