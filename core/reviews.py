"""The fields every report that is submitted and reviewed carries: a unit's month (`indicators.Submission`)
and a member agency's quarter (`plans.QuarterReport`). The subclasses add their address and their states."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewedReport(models.Model):
    """Deadline, who sent and who decided when, the reviewer's comment, and a version that grows with every
    transition and write (a page or client holding an older one is told it is stale)."""

    deadline = models.DateField(_("hạn báo cáo"))
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True
