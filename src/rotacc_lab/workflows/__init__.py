"""Leave requests, swaps, locum bookings, manual adjustments and change notifications.

Every function that changes a workspace runs in one ``ws.transaction(actor)``:
validation, the change, its audit rows and the notifications it causes commit
or roll back together. See ``docs/workflows.md``.

Modules::

    policy         LeavePolicy, evaluate          auto-approval rules (pure)
    leave          submit, approve, reject, cancel, list_leave
    swaps          request_swap, approve_swap, reject_swap, cancel_swap, list_swaps
    locums         book_locum
    adjustments    add_shift, move_shift, delete_shift, pin_shift, unpin_shift, history,
                   eligibility_problems, ChangeSet (the shared write path)
    notifications  queue_for_changes, OutboxSender, list_outbox, requeue
    smtp           DeliveryProvider, SmtpProvider, SmtpSettings
"""

from .policy import Blackout, LeavePolicy, LeaveRequest, PolicyDecision, evaluate

__all__ = ["Blackout", "LeavePolicy", "LeaveRequest", "PolicyDecision", "evaluate"]
