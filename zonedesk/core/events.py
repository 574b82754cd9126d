"""Domain events: a service announces that business data changed, so that apps further down the
dependency line act on it in their own services (policies re-match the firms whose facts
changed) without the announcing app importing them.

Sent explicitly by services, inside their transaction (a receiver's failure undoes the write),
never from model signals; receivers are connected in the receiving app's AppConfig.ready.
"""

from django.dispatch import Signal

# kwargs: actor, firms (a queryset of the enterprises whose data changed)
firms_changed = Signal()
