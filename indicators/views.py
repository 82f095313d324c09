from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.shortcuts import render

from .choices import GROUP_LABELS, Pillar
from .models import DataValue, Indicator


@login_required
def home(request):
    """Pillars with their KH57 indicators, and each indicator group with its latest period."""
    indicators = list(Indicator.objects.order_by("order", "code"))
    visible = DataValue.objects.visible_to(request.user)
    latest_by_group = {
        row["indicator__group"]: row
        for row in visible.values("indicator__group").annotate(latest=Max("period"), n=Count("id"))
    }
    pillars = [
        {
            "code": p.value,
            "label": p.label,
            "indicators": [i for i in indicators if i.pillar == p.value and i.group == "KH57"],
        }
        for p in Pillar
    ]
    groups = []
    for code, label in GROUP_LABELS.items():
        members = [i for i in indicators if i.group == code]
        if not members:
            continue
        info = latest_by_group.get(code, {})
        groups.append(
            {
                "code": code,
                "label": label,
                "count": len(members),
                "latest": info.get("latest"),
                "values": info.get("n", 0),
            }
        )
    return render(
        request,
        "indicators/home.html",
        {"pillars": pillars, "groups": groups, "indicator_count": len(indicators)},
    )
