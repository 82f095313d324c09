"""The entry app's services: forms (`rows`), the approval workflow (`transitions`), who has reported
(`completeness`), reminders, evidence and history."""
