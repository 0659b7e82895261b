"""Portfolio import (SPEC §10) from CSV or XLSX: read and check in ``portfolio_import_parse``,
write in ``portfolio_import_write``.  This module is the entry point the command and the
administrator's page use."""

from __future__ import annotations

from workflow.services.portfolio_import_parse import COLUMNS, RowError, read_table
from workflow.services.portfolio_import_write import ImportResult, check_portfolio, portfolio_import

__all__ = ["COLUMNS", "ImportResult", "RowError", "check_portfolio", "portfolio_import", "read_table"]
