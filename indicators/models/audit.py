from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, object_type: str, object_key: str):
        return self.filter(object_type=object_type, object_key=object_key)

    def update(self, **kwargs):
        raise PermissionError("Audit entries are never edited")

    def delete(self):
        raise PermissionError("Audit entries are never deleted")


class AuditEntry(models.Model):
    """One change, written explicitly by the service that made it (in bulk on import).

    `object_key` is a natural key (for a value `INDICATOR/UNIT/YYYY-MM`) so that the history of a
    value survives its row being deleted and re-created. Entries are never edited or deleted.
    """

    action = models.CharField(_("hành động"), max_length=60)
    # No index on user or created_at: nothing looks entries up by them (history goes by object,
    # undo by batch; the admin list sorts a page of the newest), and each extra index cost
    # ~15 % of writing the 200,000 entries of a large import.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    object_type = models.CharField(_("loại đối tượng"), max_length=40)
    object_key = models.CharField(_("đối tượng"), max_length=120)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    source = models.CharField(_("kênh"), max_length=20, blank=True)
    batch_id = models.BigIntegerField(_("lô nhập"), null=True, blank=True, db_index=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        indexes = [models.Index(fields=["object_type", "object_key"], name="indicators_audit_object")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_key}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit entries are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are never deleted")
