"""The ground floor: rules every app needs and that know nothing of our models.

`core` depends on no app of ours (import-linter enforces it): periods and quarters, reading and
formatting Vietnamese numbers, folding text, the task-queue helper and the shared REST API base.
"""
