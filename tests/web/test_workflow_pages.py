"""The workflow pages as a clerk, a reviewer and an admin meet them (issue 19): a bad
entry keeps what was typed and says why in the page's language; a save says 已保存
(Saved); the review page shows the unit of measure and the change in per cent beside the
previous and the submitted value; the admin opens the upload page and checks a file; an
anonymous visitor of a private dashboard sees the login form and nothing else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from qcity.data import workflow as wf
from qcity.data.store import Store
from qcity.web import create_app
from qcity.web.access import current_actor
from qcity.web.workflow import change_text, typed_number
from tests.web.workflow_client import get, post, workflow_app
from tests.workflow_helpers import seed


@pytest.fixture
def client(store: Store, db_url: str) -> TestClient:
    seed(store)
    return TestClient(workflow_app(db_url))


def _form(**values: str) -> dict[str, str]:
    """The entry form of LY 2024 as the page sends it (A1 = 10 stored as revision 1)."""
    form = {"unit": "LY", "year": "2024", "value_A1": "10", "current_A1": "10",
            "expected_A1": "1", "value_A2": "", "current_A2": "", "expected_A2": ""}  # fmt: skip
    form.update(values)
    return form


def _input(page: str, code: str) -> str:
    """The ``<input name="value_<code>" ...>`` tag of the entry page."""
    found = re.search(rf'<input name="value_{code}"[^>]*>', page)
    assert found, f"no input for {code}"
    return found.group(0)


@pytest.mark.parametrize(
    ("lang", "said", "kept"),
    [("zh", "不是数字", "未保存任何数值"), ("en", "is not a number", "Nothing was saved")],
)
def test_a_bad_entry_keeps_what_was_typed(
    client: TestClient, store: Store, lang: str, said: str, kept: str
) -> None:
    form = _form(value_A1="12,5x", value_A2="7.25")
    res = post(client, "li", f"/entry?lang={lang}", data=form)
    assert res.status_code == 422
    message = re.search(r'id="entry-message">([^<]*)', res.text)
    assert message and said in message.group(1) and kept in message.group(1)
    assert "12,5x" in message.group(1) and "A1" in message.group(1)
    if lang == "zh":  # a Chinese page says it in Chinese, without English words
        assert not re.search(r"[A-Za-z]{3,}", message.group(1).replace("A1", ""))
    bad, good = _input(res.text, "A1"), _input(res.text, "A2")
    assert 'value="12,5x"' in bad and 'aria-invalid="true"' in bad
    assert 'value="7.25"' in good and "aria-invalid" not in good
    assert len(store.observations(values="all")) == 1  # nothing saved: only the seed


def test_a_refused_save_keeps_what_was_typed_and_the_reason(
    client: TestClient, store: Store
) -> None:
    assert post(client, "zhang", "/entry", data=_form(value_A2="3")).status_code == 200
    # li's form still says A2 had no value: a conflict, told in Chinese first
    res = post(client, "li", "/entry", data=_form(value_A2="4.5", reason="快报口径"))
    assert res.status_code == 409
    assert 'value="4.5"' in _input(res.text, "A2") and 'value="快报口径"' in res.text
    message = re.search(r'id="entry-message">([^<]*)', res.text)
    assert message and message.group(1).startswith("未保存：")
    assert "LY/A2/2024" in res.text  # the store's own words, under 详情
    assert wf.list_values(store, indicators=["A2"])["value"].tolist() == [3.0]


@pytest.mark.parametrize(("lang", "said"), [("zh", "已保存 1 个数值"), ("en", "Saved: 1 value")])
def test_saving_says_saved(client: TestClient, lang: str, said: str) -> None:
    res = post(client, "li", f"/entry?lang={lang}", data=_form(value_A2="211,031"))
    assert res.status_code == 200 and "saved=1" in str(res.url)
    notice = re.search(
        r'<div class="flash good" role="status" id="entry-message">([^<]*)', res.text
    )
    assert notice and said in notice.group(1)
    assert 'value="211031"' in _input(res.text, "A2")  # the thousands separator read
    sid = re.search(r'name="ids" value="(\d+)"', res.text)
    assert sid
    form = {"unit": "LY", "year": "2024", "ids": [sid.group(1)]}
    res = post(client, "li", f"/entry/submit?lang={lang}", data=form)
    assert ("已提交 1 个数值" if lang == "zh" else "Submitted: 1 value") in res.text


def test_typed_numbers() -> None:
    assert typed_number("２１１０３１") == 211031  # full-width digits
    assert typed_number(" -6.1 ") == -6.1
    assert typed_number("1,234,567.5") == 1234567.5
    for bad in ("1,5", "12,34", "abc", "", "nan", "inf", "1e999"):
        assert typed_number(bad) is None, bad


def test_review_shows_measure_and_change(client: TestClient) -> None:
    old, new = 10.0, 12.5  # the seed's approved A1, and the value submitted now
    a1 = post(client, "li", "/api/values", json={"values": [
        {"unit": "LY", "indicator": "A1", "period": "2024", "value": new, "expected_revision": 1}
    ]}).json()["saved"][0]["id"]  # fmt: skip
    post(client, "li", "/api/values/submit", json={"ids": [a1]})
    page = get(client, "wang", "/review").text
    row = next(r for r in page.split("<tr>") if " A1 " in r)
    assert "溧阳市" in row  # the unit's name, not its code
    measure = re.search(r'<td class="measure">([^<]*)</td>', row)
    assert measure is not None  # the indicator's unit of measure, in its own column
    change = re.search(r'<td class="num change"[^>]*>([^<]*)</td>', row)
    assert change and change.group(1) == f"{(new - old) / abs(old) * 100:+.1f}%"
    assert "<th>计量单位</th>" in page and "变化率" in page
    done = post(client, "wang", f"/review/{a1}", data={"decision": "approve"})
    assert done.status_code == 200 and 'id="review-message">已通过' in done.text


def test_change_text() -> None:
    assert change_text(200.0, 150.0) == f"{(150 - 200) / 200 * 100:+.1f}%"
    assert change_text(-4.0, -2.0) == f"{(-2 + 4) / 4 * 100:+.1f}%"  # against |old|
    assert change_text(None, 3.0) == change_text(0.0, 3.0) == "—"
    assert change_text(5.0, 5.0) == "±0.0%"


def _nav_links(html: str) -> list[str]:
    nav = re.search(r"<nav[^>]*>(.*?)</nav>", html, re.S)
    return re.findall(r'href="([^"?]+)', nav.group(1)) if nav else []


def test_an_admin_opens_the_upload_page_and_checks_a_file(demo_url: str) -> None:
    from tests.web.workflow_client import _actor

    app = create_app(demo_url)  # the demo: its framework and units (nothing is written)
    app.dependency_overrides[current_actor] = _actor
    client = TestClient(app)
    page = get(client, "chen", "/upload")
    assert page.status_code == 200 and 'id="check-only"' in page.text
    assert "/upload" in _nav_links(page.text)
    csv = b"unit,indicator,period,value\nliyang,EC02,2024,7.5\n"
    checked = post(client, "chen", "/api/upload", files={"file": ("a.csv", csv, "text/csv")})
    assert checked.status_code == 200, checked.text
    assert checked.json()["rows"] == 1
    stored = post(client, "chen", f"/api/upload/{checked.json()['token']}")
    assert stored.status_code == 403  # storing is for those who enter values
    assert 'id="check-only"' not in get(client, "li", "/upload").text  # a clerk stores


@pytest.fixture(scope="module")
def private(demo_url: str) -> Any:
    with TestClient(create_app(demo_url, public_read=False)) as c:
        yield c


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_private_dashboard_shows_anonymous_visitors_the_login_page_only(
    private: TestClient, lang: str
) -> None:
    for path in ("/", "/peers", "/methodology", "/indicator/EC01", "/entry", "/upload"):
        res = private.get(f"{path}?lang={lang}", follow_redirects=False)
        assert res.status_code == 303 and res.headers["location"].startswith("/login?next=")
    login = private.get(f"/login?lang={lang}")
    assert login.status_code == 200 and 'id="login-form"' in login.text
    assert _nav_links(login.text) == []
    assert "published-run" not in login.text and "溧阳" not in login.text  # no run, no framework
    lost = private.get(f"/no-such-page?lang={lang}")
    assert lost.status_code == 404 and _nav_links(lost.text) == []
    assert private.get("/api/overview").status_code == 401


def test_checking_a_file_is_the_admins_too_storing_is_not() -> None:
    from qcity.data.roles import Actor, can

    admin = Actor("a", "admin", user_id=1, via="session")
    assert can(admin, "values.check") and not can(admin, "values.enter")
    old_token = Actor("c", "clerk", user_id=2, via="token", scopes=frozenset({"values.enter"}))
    assert can(old_token, "values.check")  # a token made to enter values checks files too
    viewer = Actor("v", "viewer", user_id=3, via="token", scopes=frozenset({"values.enter"}))
    assert not can(viewer, "values.check")
