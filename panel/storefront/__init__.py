"""The customers' storefront: the branded shop at `/`, built with Django templates,
template partials and htmx (docs/storefront.md).

Views are thin and split by page (`pages`, `accounts`, `ordering`, `orders`, `sms`,
`wallet`); what they show is read by small selectors (`catalog`, `orders`), what they
enforce lives in plain functions (`throttle`, `verification`, `status`), and every order is
placed by `orders.placing` / `orders.sms`, exactly as the customers' API places it.
"""
