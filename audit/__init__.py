"""The audit trail: who changed what and when, read from django-simple-history's tables.

Writing is simple-history's (HistoricalRecords on each audited model, the acting user from
the services' `_history_user` / `default_user=` or from HistoryRequestMiddleware); this
package adds ChangeOnlyHistoricalRecords (history.py) and the administrators' reading side:
selectors.py (one list across the audited models), views.py and urls.py (`audit:list`).
"""
