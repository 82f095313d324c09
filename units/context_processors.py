from core.roles import Role, role_of


def roles(request):
    role = role_of(getattr(request, "user", None))
    return {"cds_role": role, "cds_role_label": Role(role).label if role else ""}
