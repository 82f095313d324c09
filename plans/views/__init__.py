"""Pages of the plan, mounted at /ke-hoach/: the dashboard and task pages (every signed-in user), the
quarterly report forms (a member agency's reporters and staff), the review (staff), the synthesis
and the import of a later year's plan. Views only route; the rules are `plans.services` and
`plans.rules`."""
