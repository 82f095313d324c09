from django.db import models


class DataVersion(models.Model):
    """One row whose token changes after every committed change that readers' pages show but that
    writes no audit entry (recomputed statuses, targets, the catalogue). With the newest audit entry's
    id it keys the cached pages and API answers (`indicators.cache`)."""

    token = models.CharField("mã phiên bản", max_length=32)

    class Meta:
        verbose_name = "phiên bản dữ liệu"
        verbose_name_plural = "phiên bản dữ liệu"

    def __str__(self):
        return self.token
