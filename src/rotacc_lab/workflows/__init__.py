"""Leave requests, swaps, locum bookings, manual adjustments and change notifications.

Every change is a pure ``plan_*(snapshot, ...) -> ChangeSet`` function; its shell
hands it to the one committer (:func:`rotacc_lab.store.commit`), which runs it
inside the write transaction: validation, the change, its audit rows and the
notifications it causes commit or roll back together. See ``docs/workflows.md``.

Modules::

    policy         LeavePolicy, evaluate          auto-approval rules (pure)
    leave          submit, approve, reject, cancel, list_leave
    swaps          request_swap, approve_swap, reject_swap, cancel_swap, list_swaps
    locums         book_locum
    adjustments    add_shift, move_shift, delete_shift, pin_shift, unpin_shift, history,
                   eligibility_problems, plan_* (pure ChangeSets)
    notifications  notifications_for, with_notifications, OutboxSender, list_outbox, requeue
    smtp           DeliveryProvider, SmtpProvider, SmtpSettings
    alerts         list_alerts, resolve_alert (a generation supersedes older alerts by itself)
"""

from .policy import Blackout, LeavePolicy, LeaveRequest, PolicyDecision, evaluate

__all__ = ["Blackout", "LeavePolicy", "LeaveRequest", "PolicyDecision", "evaluate"]
