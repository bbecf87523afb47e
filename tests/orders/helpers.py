from orders.placing import place_order

FOLLOWERS, LIKES, COMMENTS, GMAIL, OUTLOOK, NETFLIX = 1, 2, 3, 4, 5, 6


def order_for(user, service, upstream_id: int, quantity: int | None = None, link=None):
    svc = service(upstream_id)
    qty = quantity or svc.min_quantity
    default_link = "" if svc.entity_type == "product" else "https://instagram.com/p/abc"
    return place_order(user=user, service_id=svc.pk, quantity=qty,
                       link=default_link if link is None else link)
