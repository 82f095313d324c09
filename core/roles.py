"""Roles are Django groups; a user's units are `Unit.members`. No ORM queries beyond the user's groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Cán bộ Sở TT&TT")
    REPORTER = "reporter", _("Người báo cáo của đơn vị")
    VIEWER = "viewer", _("Thành viên Ban Chỉ đạo")


# When a user somehow has several roles, the strongest wins.
_PRECEDENCE = [Role.STAFF, Role.REPORTER, Role.VIEWER]


def role_of(user) -> Role | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.STAFF
    cached = getattr(user, "_cds_role", False)
    if cached is not False:
        return cached
    names = {group.name for group in user.groups.all()}
    role = next((r for r in _PRECEDENCE if r.value in names), None)
    user._cds_role = role
    return role


def is_staff_role(user) -> bool:
    return role_of(user) == Role.STAFF


def may_write(user) -> bool:
    """Staff and reporters write values (which units they may write is `Unit.objects.writable_by`);
    viewers and anonymous callers never do. The one place this rule is written."""
    return role_of(user) in (Role.STAFF, Role.REPORTER)
