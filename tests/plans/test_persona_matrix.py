"""Every page and API route of the plan × every persona of the plan: staff, the responsible agency's
reporter (Văn phòng UBND tỉnh), another agency's reporter (Sở Y tế), a viewer, anonymous.

Each (route, persona) pair runs on a fresh world, so a write by one persona (a deletion, a submission)
never changes what the next one gets. `tests/test_url_matrix.py` checks that every URL of the site has
an expectation, these included.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plans.services import synthesis
from plans.services.progress import ProgressInput, save_progress
from plans.services.transitions import plan_of

from .conftest import PERSONAS, report_all, task, token_client

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"

# name → (path, method, statuses in PERSONAS order). 302 for anonymous pages = sent to the login page.
EXPECTED = {
    "plans:home": ("/ke-hoach/", "GET", (302, 302, 302, 302, 302)),
    "plans:dashboard": ("/ke-hoach/2023/", "GET", (200, 200, 200, 200, 302)),
    "plans:task_detail": ("/ke-hoach/2023/nhiem-vu/IV.2.2/", "GET", (200, 200, 200, 200, 302)),
    "plans:report_home": ("/ke-hoach/bao-cao/", "GET", (200, 200, 200, 403, 302)),
    "plans:report_form": ("/ke-hoach/bao-cao/VPUBND/2023-Q3/", "GET", (200, 200, 403, 403, 302)),
    # The agency's draft evidence does not exist for those who may not read the draft.
    "plans:evidence_download": ("/ke-hoach/minh-chung/{evidence}/", "GET", (200, 200, 404, 404, 302)),
    "plans:evidence_delete": ("/ke-hoach/minh-chung/{evidence}/xoa/", "POST", (302, 302, 404, 404, 302)),
    "plans:review_list": ("/ke-hoach/duyet/", "GET", (200, 403, 403, 403, 302)),
    "plans:review_quarter": ("/ke-hoach/duyet/2023-Q3/", "GET", (200, 403, 403, 403, 302)),
    "plans:review_detail": ("/ke-hoach/duyet/VPUBND/2023-Q3/", "GET", (200, 403, 403, 403, 302)),
    "plans:decide": ("/ke-hoach/duyet/VPUBND/2023-Q3/approve/", "POST", (302, 403, 403, 403, 302)),
    "plans:synthesis": ("/ke-hoach/tong-hop/2023-Q3/", "GET", (200, 200, 200, 200, 302)),
    "plans:synthesis_download": ("/ke-hoach/tong-hop/2023-Q3/tai-ve.html", "GET", (200, 200, 200, 200, 302)),
    "plans:synthesis_publish": ("/ke-hoach/tong-hop/2023-Q3/phat-hanh/", "POST", (302, 403, 403, 403, 302)),
    "plans:plan_import": ("/ke-hoach/nhap/", "GET", (200, 403, 403, 403, 302)),
    "api:plan-task-list": ("/api/v1/plan-tasks/?year=2023", "GET", (200, 200, 200, 200, 401)),
    "api:plan-task-detail": ("/api/v1/plan-tasks/{task}/", "GET", (200, 200, 200, 200, 401)),
    # An empty body: 400 for those who may write the task, 403 for the others.
    "api:plan-task-progress": ("/api/v1/plan-tasks/{task}/progress/", "POST", (400, 400, 403, 403, 401)),
    "api:plan-submission-list": ("/api/v1/plan-tasks/submissions/?quarter=2023-Q3", "GET", (200, 200, 200, 200, 401)),
    # The world's report of Văn phòng UBND tỉnh is a complete draft: its writers may submit it.
    "api:plan-submission-submit": (
        "/api/v1/plan-tasks/submissions/VPUBND/2023-Q3/submit/", "POST", (200, 200, 403, 403, 401)),
    "api:plan-submission-approve": (
        "/api/v1/plan-tasks/submissions/VPUBND/2023-Q3/approve/", "POST", (409, 403, 403, 403, 401)),
    "api:plan-submission-return": (
        "/api/v1/plan-tasks/submissions/VPUBND/2023-Q3/return/", "POST", (400, 403, 403, 403, 401)),
}

ADMIN = [
    "/admin/plans/plan/",
    "/admin/plans/plan/{plan}/change/",
    "/admin/plans/plantask/",
    "/admin/plans/plantask/{task}/change/",
    "/admin/plans/quarterreport/",
    "/admin/plans/progressevidence/",
    "/admin/plans/planreminder/",
    "/admin/plans/plansynthesis/",
]


@pytest.fixture
def world(plan_personas, settings, tmp_path, frozen):
    """Văn phòng UBND tỉnh's complete Q3 draft with a PDF on IV.2.1, and the published Q3 synthesis."""
    settings.MEDIA_ROOT = tmp_path
    owner = plan_personas["owner"]
    report_all(owner, "VPUBND", "2023-Q3")
    t = task("IV.2.1")
    save_progress(
        t.unit, "2023-Q3",
        [ProgressInput(t, "in_progress", 50, "Đã làm IV.2.1", "", [SimpleUploadedFile("bien-ban.pdf", PDF)])],
        user=owner,
    )
    synthesis.publish(plan_of("2023-Q3"), "2023-Q3", user=plan_personas["staff"])
    evidence = t.progress.get().evidence.get()
    return {"evidence": evidence.key, "task": task("IV.2.2").pk, "plan": t.plan.pk}


def _request(client, user, method, path):
    if path.startswith("/api/"):
        api = token_client(user)
        return api.get(path) if method == "GET" else api.post(path, {}, format="json")
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(path) if method == "GET" else client.post(path, {})


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_persona_gets_the_expected_status(client, plan_personas, world, name, persona):
    template, method, statuses = EXPECTED[name]
    response = _request(client, plan_personas[persona], method, template.format(**world))
    assert response.status_code == statuses[PERSONAS.index(persona)], f"{method} {template} as {persona}"
    if response.status_code == 302 and persona == "anonymous":
        assert response.url.startswith("/accounts/login/?next=")


def test_the_plan_home_sends_everyone_to_this_years_plan(client, plan_personas, frozen):
    client.force_login(plan_personas["viewer"])
    assert client.get("/ke-hoach/").url == "/ke-hoach/2023/"


@pytest.mark.parametrize("path", ADMIN)
def test_the_plan_admin_is_for_staff_only(client, plan_personas, world, path):
    path = path.format(**world)
    for persona in PERSONAS:
        client.logout()
        if plan_personas[persona] is not None:
            client.force_login(plan_personas[persona])
        assert client.get(path).status_code == (200 if persona == "staff" else 302), (persona, path)
