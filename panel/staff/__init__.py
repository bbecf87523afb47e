"""The staff workspace: the delivery queue at /staff/ (what needs a person, and the actions
that resolve it). Views are thin: membership is `orders.queue`, actions are `orders.staff`."""
