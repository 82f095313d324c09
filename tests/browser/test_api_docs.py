"""Swagger UI works offline and under the site's Content-Security-Policy (no inline script)."""


def test_swagger_ui_renders_the_operations_under_the_csp(browser_page, transactional_db):
    response = browser_page.goto("/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page = browser_page.page
    page.wait_for_selector(".opblock-summary-path", timeout=20000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/values/" in paths
    assert "/api/v1/submissions/{unit}/{period}/submit/" in paths
    browser_page.screenshot("api-docs")
    assert browser_page.console_errors == []
