"""The SMM API clients the compatibility suite drives, each installed from PyPI as a test
dependency (`pyproject.toml`, `dev`) and used exactly as published. Each adapter only maps the
suite's verbs onto the client's own methods; where a client has no method for a standard action,
its own generic request method sends it, and the adapter says so."""

from collections.abc import Callable

import safesmm
import smm as babismm
import smmpy


class Client:
    """The verbs of the standard, through one published client."""

    name = ""

    def services(self) -> object: ...
    def add(self, service: int, link: str, quantity: int, **extra: object) -> object: ...
    def status(self, order: int) -> object: ...
    def multi_status(self, orders: list[int]) -> object: ...
    def balance(self) -> object: ...
    def refill(self, order: int) -> object: ...
    def multi_refill(self, orders: list[int]) -> object: ...
    def refill_status(self, refill: int) -> object: ...
    def multi_refill_status(self, refills: list[int]) -> object: ...
    def cancel(self, orders: list[int]) -> object: ...


class Babismm(Client):
    """`babismm` (`import smm`): `SMM(api_url, api_key)`, requests-based."""

    name = "babismm"

    def __init__(self, url: str, key: str) -> None:
        self.api = babismm.SMM(url, key, timeout=20)
        self.error = babismm.SMMAPIError

    def services(self): return self.api.get_services()
    def add(self, service, link, quantity, **extra):
        return self.api.add_order(service, link=link, quantity=quantity, **extra)
    def status(self, order): return self.api.get_status(order)
    def multi_status(self, orders): return self.api.get_multi_status(orders)
    def balance(self): return self.api.get_balance()
    def refill(self, order): return self.api.create_refill(order)
    def multi_refill(self, orders): return self.api.create_multi_refill(orders)
    def refill_status(self, refill): return self.api.get_refill_status(refill)
    def multi_refill_status(self, refills): return self.api.get_multi_refill_status(refills)
    def cancel(self, orders): return self.api.cancel_orders(orders)


class Smmpy(Client):
    """`smmpy`: `smm(api_url, api_key)`, the PHP sample class's methods in Python."""

    name = "smmpy"

    def __init__(self, url: str, key: str) -> None:
        self.api = smmpy.smm(url, key)
        self.error = Exception  # it raises a bare Exception with the API's message

    def services(self): return self.api.get_services()
    def add(self, service, link, quantity, **extra):
        return self.api.add_order(service, link, quantity, **extra)
    def status(self, order): return self.api.get_status(order)
    def multi_status(self, orders): return self.api.get_multi_status(orders)
    def balance(self): return self.api.get_balance()
    def refill(self, order): return self.api.create_refill(order)
    def multi_refill(self, orders): return self.api.create_multi_refill(orders)
    def refill_status(self, refill): return self.api.get_refill_status(refill)
    def multi_refill_status(self, refills): return self.api.get_multi_refill_status(refills)
    def cancel(self, orders): return self.api.cancel_orders(orders)


class SafeSmm(Client):
    """`safesmm`: `SafeSMM(api_key, api_url)`, urllib-based. It has no method for batch refill
    or refill status; those go through its own `_request(action, **params)`."""

    name = "safesmm"

    def __init__(self, url: str, key: str) -> None:
        self.api = safesmm.SafeSMM(key, api_url=url, timeout=20)
        self.error = safesmm.SafeSMMError

    def services(self): return self.api.services()
    def add(self, service, link, quantity, **extra):
        return self.api.add_order(service, link, quantity, **extra)
    def status(self, order): return self.api.status(order)
    def multi_status(self, orders): return self.api.multi_status(orders)
    def balance(self): return self.api.balance()
    def refill(self, order): return self.api.refill(order)
    def multi_refill(self, orders):
        return self.api._request("refill", orders=",".join(map(str, orders)))
    def refill_status(self, refill): return self.api._request("refill_status", refill=refill)
    def multi_refill_status(self, refills):
        return self.api._request("refill_status", refills=",".join(map(str, refills)))
    def cancel(self, orders): return self.api.cancel(orders)


CLIENTS: dict[str, Callable[[str, str], Client]] = {
    "babismm": Babismm, "smmpy": Smmpy, "safesmm": SafeSmm}
