from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Role, role_of


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    AGENCY = "agency", _("Sở, ban, ngành")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")
    UNASSIGNED = "unassigned", _("Chưa xác định")


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def in_level(self, *levels):
        return self.filter(level__in=levels)

    def visible_to(self, user):
        """Every unit is public catalogue data; only anonymous users see nothing."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.all()

    def writable_by(self, user):
        """The units whose data this user may write: staff all of them, a reporter its own."""
        role = role_of(user)
        if role == Role.STAFF:
            return self.all()
        if role == Role.REPORTER:
            return self.filter(members=user)
        return self.none()


class Unit(models.Model):
    """An agency, district, commune or the province itself.

    Codes are stable identifiers used in URLs, the API and imports; names change (a district
    becomes a town, agencies merge), so edit the name and keep the old one as an alias.
    """

    code = models.SlugField(_("mã"), max_length=40, unique=True, allow_unicode=False)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=100, blank=True)
    level = models.CharField(_("cấp"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    aliases = models.JSONField(_("tên gọi khác"), default=list, blank=True)
    order = models.PositiveIntegerField(_("thứ tự hiển thị"), default=0)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("người báo cáo"), blank=True, related_name="units"
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Một đơn vị không thể là cấp trên của chính nó.")})
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise ValidationError({"aliases": _("Tên gọi khác phải là danh sách chuỗi.")})

    @property
    def display_name(self):
        return self.short_name or self.name
