"""Fixtures for the customers' API: a key for alice and bob, and `api`, one form-encoded POST
to `/api/v2` through Django's test client, answering (HTTP status, decoded JSON)."""

import pytest

from panel.apikeys import regenerate_api_key


@pytest.fixture
def alice_key(alice) -> str:
    return regenerate_api_key(alice)


@pytest.fixture
def bob_key(bob) -> str:
    return regenerate_api_key(bob)


class Api:
    def __init__(self, client) -> None:
        self.client = client

    def raw(self, key: str | None, action: str | None, **params: object):
        data = {name: str(value) for name, value in params.items()}
        if key is not None:
            data["key"] = key
        if action is not None:
            data["action"] = action
        return self.client.post("/api/v2", data)

    def __call__(self, key: str | None, action: str | None, **params: object):
        response = self.raw(key, action, **params)
        assert response["Content-Type"] == "application/json"
        return response.status_code, response.json()


@pytest.fixture
def api(client) -> Api:
    return Api(client)
