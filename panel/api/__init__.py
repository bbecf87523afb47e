"""The customers' API at `/api/v2`: the protocol the panel consumes, spoken to its customers.

`views` owns the transport (POST only, the key, rate limits, errors as JSON), `actions` one
function per action, `catalog` the on-sale selectors, `snapshot` the ready `services` list,
`serialization` the wire shapes, `passthrough` refills and cancels sent to the providers.
"""
