"""User and role management. Roles are groups; a reporter's units are `Unit.members`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from core.roles import Role

from .models import Unit

# Staff manage the catalogue in the admin; nobody may change or delete audit entries.
STAFF_APPS = ("units", "indicators", "imports", "reports", "plans")
NEVER_GRANTED = {"change_auditentry", "delete_auditentry", "add_auditentry"}


def ensure_groups() -> dict[str, Group]:
    groups = {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    wanted = Permission.objects.filter(content_type__app_label__in=STAFF_APPS).exclude(
        codename__in=NEVER_GRANTED
    )
    groups[Role.STAFF].permissions.set(wanted)
    return groups


@transaction.atomic
def create_or_update_user(
    username: str,
    *,
    role: str,
    unit_codes=(),
    password: str | None = None,
    email: str = "",
    full_name: str = "",
):
    """Create the user or update its role and units. Returns (user, created)."""
    if role not in Role.values:
        raise ValidationError(f'Vai trò "{role}" không hợp lệ (cho phép: {", ".join(Role.values)})')
    units = list(Unit.objects.filter(code__in=unit_codes))
    unknown = sorted(set(unit_codes) - {u.code for u in units})
    if unknown:
        raise ValidationError(f"Không có đơn vị mã: {', '.join(unknown)}")
    if role == Role.REPORTER and not units:
        raise ValidationError("Người báo cáo phải gắn với ít nhất một đơn vị (--unit MÃ)")
    groups = ensure_groups()
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    if email:
        user.email = email
    if full_name:
        user.first_name = full_name
    user.is_staff = role == Role.STAFF  # the Django admin is for Sở TT&TT staff only
    user.save()
    user.groups.set([groups[role]])
    user.units.set(units)
    return user, created
