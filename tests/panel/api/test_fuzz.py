"""Whatever a customer sends, the API answers JSON with HTTP 200 (or 429), never a 500, a
stack trace or the catch-all's "Internal error": every parameter is validated first."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.models import Order
from panel.api.actions import ACTIONS
from provider.models import Service, SmsProject

pytestmark = pytest.mark.django_db

PARAMS = ["service", "quantity", "link", "order", "orders", "refill", "refills", "category",
          "subcategory", "page", "limit", "country", "project_id", "phone", "lang"]
NASTY = ["", " ", "0", "1", "-1", "1e3", "1.5", "NaN", "Infinity", "9" * 19, "9" * 60,
         "18446744073709551616", "\u0661\u0662", "\uff11\uff12", "1,2,3", ",,,", "1," * 150,
         "\x00", "a\x00b",
         "' OR 1=1 --", "<script>alert(1)</script>", "https://instagram.com/p/x",
         "javascript:alert(1)", "us", "GB", "Instagram", "Followers", "+15550001234",
         "\ud7ff\ue000", "\U0001d518\U0001d52b\U0001d526", "x" * 3000]


def values(ids: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY), st.sampled_from(ids),
                     st.integers(min_value=-(10**20), max_value=10**20).map(str),
                     st.text(max_size=40),
                     st.lists(st.sampled_from(ids + NASTY[:8]), max_size=5).map(",".join))


@settings(max_examples=250, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_calls_answer_json(data, api, alice_key, provider):
    ids = [str(pk) for pk in Service.objects.values_list("pk", flat=True)[:10]]
    ids += [str(pk) for pk in SmsProject.objects.values_list("pk", flat=True)]
    ids += [str(pk) for pk in Order.objects.values_list("pk", flat=True)[:5]]
    action = data.draw(st.one_of(st.sampled_from(sorted(ACTIONS)), st.text(max_size=20)))
    params = data.draw(st.dictionaries(st.sampled_from(PARAMS), values(ids), max_size=6))
    key = data.draw(st.sampled_from([alice_key, alice_key, alice_key, "", "wrong"]))
    response = api.raw(key, action, **params)
    assert response.status_code in (200, 429)
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body != {"error": "Internal error"}, (action, params)
    if isinstance(body, dict) and "error" in body:
        assert isinstance(body["error"], str) and "Traceback" not in body["error"]
