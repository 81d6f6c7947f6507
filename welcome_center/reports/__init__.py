"""Data in, document out: PDF, XLSX, CSV and JSON reports from domain dataclasses."""
