"""Jupyter kernels started by rotacc-lab talk over Unix sockets, not TCP.

ipykernel warns "Kernel is running over TCP without encryption" for every TCP
kernel, a warning a user can do nothing about. A kernel reached through IPC
sockets (files in Jupyter's private runtime folder) is not on the network at
all, so there is nothing to encrypt and no warning. papermill runs (the
monthly report, batch-reports, the demo) use :class:`IpcKernelManager`; the
dashboards' Voila server passes ``--KernelManager.transport=ipc`` itself.
"""

from __future__ import annotations

import os


def kernel_manager_class() -> type | None:
    """A kernel manager class using IPC transport where Unix sockets exist (``None`` elsewhere: the default)."""
    if os.name != "posix":
        return None
    from jupyter_client import AsyncKernelManager
    from traitlets import CaselessStrEnum

    class IpcKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    return IpcKernelManager
