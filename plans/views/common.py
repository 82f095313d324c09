"""What the plan's views share: access checks and the quarter a page opens on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.periods import PeriodError, parse_quarter, quarter_of_day
from core.roles import Role, role_of
from units.models import Unit

from ..models import Plan
from ..services.transitions import check_writer


def require_staff(user) -> None:
    if role_of(user) != Role.STAFF:
        raise PermissionDenied("Chỉ cán bộ Sở TT&TT được dùng trang này.")


def require_writer_role(user) -> None:
    if role_of(user) not in (Role.STAFF, Role.REPORTER):
        raise PermissionDenied("Tài khoản chỉ có quyền xem, không báo cáo tiến độ nhiệm vụ.")


def writable_unit(user, code: str) -> Unit:
    unit = get_object_or_404(Unit, code=code)
    check_writer(user, unit)
    return unit


def quarter_or_404(text: str) -> str:
    try:
        return parse_quarter(text)
    except PeriodError as exc:
        raise Http404(str(exc)) from None


def current_quarter() -> str:
    return quarter_of_day(timezone.localdate())


def plan_or_404(year: int) -> Plan:
    return get_object_or_404(Plan, year=year)


def is_staff(user) -> bool:
    return role_of(user) == Role.STAFF
