from django.urls import path

from shape.views import checklists, dialogue, files, plans

app_name = "shape"

urlpatterns = [
    path(
        "plans/<int:pk>/attachments/<int:attachment_id>/",
        files.attachment_download,
        name="attachment-download",
    ),
    path(
        "plans/<int:pk>/evidence/<int:answer_id>/",
        files.evidence_download,
        name="evidence-download",
    ),
    path("", plans.index, name="index"),
    # Plans, the step-by-step editor and the review workflow (shape/views/plans.py)
    path("review/", plans.review_queue, name="review-queue"),
    path("plans/new/", plans.plan_create, name="plan-create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/<slug:step>/", plans.plan_edit, name="plan-edit"),
    path(
        "plans/<int:pk>/edit/<slug:step>/remove/<slug:kind>/<int:part>/",
        plans.plan_part_remove,
        name="plan-part-remove",
    ),
    path("plans/<int:pk>/versions/", plans.plan_versions, name="plan-versions"),
    path("plans/<int:pk>/comments/", plans.review_comment_add, name="review-comment-add"),
    path("plans/<int:pk>/co-editors/", plans.co_editor_add, name="co-editor-add"),
    path("plans/<int:pk>/share/", plans.plan_share, name="plan-share"),
    path(
        "plans/<int:pk>/co-editors/<int:user_pk>/remove/",
        plans.co_editor_remove,
        name="co-editor-remove",
    ),
    *[
        path(f"plans/<int:pk>/{action}/", plans.plan_transition, {"action": action}, name=name)
        for action, name in [
            ("submit", "plan-submit"),
            ("withdraw", "plan-withdraw"),
            ("review-start", "plan-review"),
            ("changes-request", "plan-changes-request"),
            ("mark-bankable", "plan-mark-bankable"),
            ("reject", "plan-reject"),
        ]
    ],
    # Bankability checklist, its chart and the readiness report (shape/views/checklists.py)
    path("plans/<int:pk>/checklist/", checklists.plan_checklist, name="plan-checklist"),
    path(
        "plans/<int:pk>/checklist/<int:item_id>/",
        checklists.checklist_answer,
        name="checklist-answer",
    ),
    path("plans/<int:pk>/checklist/chart.svg", checklists.checklist_chart, name="checklist-chart"),
    path("plans/<int:pk>/readiness-report/", checklists.readiness_report, name="readiness-report"),
    # Stakeholder dialogue (shape/views/dialogue.py)
    path("plans/<int:pk>/dialogue/", dialogue.plan_dialogue, name="plan-dialogue"),
    path(
        "plans/<int:pk>/dialogue/new/", dialogue.dialogue_thread_start, name="dialogue-thread-start"
    ),
    path(
        "plans/<int:pk>/dialogue/<int:thread_pk>/reply/",
        dialogue.dialogue_reply,
        name="dialogue-reply",
    ),
    path(
        "plans/<int:pk>/dialogue/<int:thread_pk>/resolve/",
        dialogue.dialogue_thread_resolve,
        name="dialogue-thread-resolve",
    ),
    path(
        "plans/<int:pk>/dialogue/<int:thread_pk>/reopen/",
        dialogue.dialogue_thread_reopen,
        name="dialogue-thread-reopen",
    ),
    path("plans/<int:pk>/dialogue/log/", dialogue.dialogue_log, name="dialogue-log"),
    path("plans/<int:pk>/dialogue/log.txt", dialogue.dialogue_log_text, name="dialogue-log-text"),
    path("plans/<int:pk>/stakeholders/", dialogue.plan_stakeholders, name="plan-stakeholders"),
    path(
        "plans/<int:pk>/stakeholders/invite/",
        dialogue.stakeholder_invite,
        name="stakeholder-invite",
    ),
    path(
        "plans/<int:pk>/stakeholders/<int:invitation_pk>/revoke/",
        dialogue.stakeholder_invitation_revoke,
        name="stakeholder-revoke",
    ),
    path("invitations/<str:token>/", dialogue.invitation_accept, name="invitation-accept"),
]
