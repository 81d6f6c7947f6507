"""The record editor: one window per open record, a tab per part of the record."""
