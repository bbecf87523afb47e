"""The built-in test gateway: a pretend invoice processor, fake money, for `make run`, demos
and tests. On with DEBUG (TEST_GATEWAY_ENABLED), off in production.

It plays both sides the way a real processor does: `gateway.TestGateway` is the panel's
adapter (create a payment, verify a signed callback, fetch a status), and `views` is the
processor's own payment page with "pay", "pay less", "fail" and "expire", which sends a signed
callback to the panel's callback handler. The panel loads the adapter by its dotted path and
mounts the page's URLs only when enabled; no other panel code imports this package.
"""
