"""Care-home providers: homes, units, roles, staff, pay, agency, cover and leave (docs/carehomes.md).

``model`` the frozen records; ``source`` the folder reader/validator and writer;
``summary`` contracted hours against cover; ``cover`` the cover model (who works what at
least cost). The DuckDB side is :mod:`rotacc_lab.store.provider_io`.
"""

from .model import CARE_RULES, Provider, care_rules
from .source import is_provider_folder, read_provider, read_provider_full, render_provider
from .summary import provider_summary

__all__ = ["CARE_RULES", "Provider", "care_rules", "is_provider_folder", "provider_summary", "read_provider",
           "read_provider_full", "render_provider"]
