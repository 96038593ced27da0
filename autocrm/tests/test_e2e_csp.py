"""End-to-end: the pages pass their Content-Security-Policy (issue #13, item 7).

Each page is opened in Chromium as the roles that use it, with every `securitypolicyviolation`
event the browser raises collected: a blocked inline script, handler, style element or asset
from elsewhere fails the test. The charts and the HTMX polling run under the policy too."""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scope

from autocrm.customers.services import vehicle_add
from autocrm.testing.browser import login

pytestmark = pytest.mark.e2e

COLLECT = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""

PAGES = {
    "cr_a": [
        "/",
        "/customers/",
        "/customers/{customer}/",
        "/customers/{customer}/edit/",
        "/customers/vehicles/{vehicle}/",
        "/quality/",
        "/quality/verification/",
        "/imports/",
        "/imports/upload/",
        "/duplicates/",
        "/duplicates/exact/",
        "/duplicates/merges/",
    ],
    "hq_analyst": ["/", "/customers/", "/quality/", "/duplicates/hq/"],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_pages_raise_no_policy_violation(
    request: Any, context: Any, live_server: Any, make_customer: Any, cr_a: Any, role: str
) -> None:
    customer = make_customer(cr_a, name="张伟", mobile="13812345678")
    with scope(dealer=cr_a.dealer_id):
        vehicle = vehicle_add(actor=cr_a, customer=customer, data={"vin": "LSVAM4187C2184847"})
    context.add_init_script(COLLECT)
    page = context.new_page()
    login(page, live_server, request.getfixturevalue(role))
    found = {}
    for path in PAGES[role]:
        url = path.format(customer=customer.pk, vehicle=vehicle.pk)
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__violations")
        if violations:
            found[url] = violations
        header = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in header, url
    assert found == {}
