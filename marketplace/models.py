from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class UploadedFile(models.Model):
    """A document someone uploaded: a plan's attachment, a deal room's or a group's document.

    Each subclass declares `file`, for its own upload_to folder, and `uploaded_by`, as what
    deleting the uploader's account does differs. content_type and size are filled by the
    service that stores the checked upload, never typed in.
    """

    title = models.CharField(_("title"), max_length=200)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


class OutboxTask(models.Model):
    """A Celery task recorded in the same transaction as the change that asked for it.

    The row is deleted once the broker has taken the message. Rows left behind (broker
    down, process killed after commit) are sent again by the outbox_drain beat task.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")

    def __str__(self):
        return f"{self.task_name} #{self.pk}"
