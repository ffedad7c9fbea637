from django.dispatch import Signal

# Sent inside the transaction that changes a plan's status, with `plan`, `from_status` and
# `to_status`. Later phases (Deal) listen here instead of Shape importing them.
plan_status_changed = Signal()
