"""Hospital departments rostered from shift-type pools (docs/departments.md).

``model`` the frozen records; ``source`` the folder reader/validator and writer;
``pool`` the pool-versus-demand analysis; ``check`` the rota checker (contract
rules of :mod:`rotacc_lab.rostering.rules` plus the department's own). The
DuckDB side is :mod:`rotacc_lab.store.department_io`.
"""

from .check import DEPARTMENT_RULES, DepartmentCheck, check_department
from .model import (
    BANK_HOLIDAY,
    Commitment,
    CommitmentKind,
    Demand,
    Department,
    DepartmentSettings,
    Doctor,
    Quota,
    Request,
    RequestKind,
    RotaEntry,
)
from .pool import PoolAnalysis, owed_shifts, pool_analysis
from .source import is_department_folder, read_department, read_department_full, read_rota_file, render_department

__all__ = [
    "BANK_HOLIDAY", "Commitment", "CommitmentKind", "DEPARTMENT_RULES", "Demand", "Department", "DepartmentCheck",
    "DepartmentSettings", "Doctor", "PoolAnalysis", "Quota", "Request", "RequestKind", "RotaEntry",
    "check_department", "is_department_folder", "owed_shifts", "pool_analysis", "read_department",
    "read_department_full", "read_rota_file", "render_department",
]
