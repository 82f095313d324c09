"""Signal receivers of the indicators app, connected in `IndicatorsConfig.ready()`."""

from .cache import bump_on_commit


def catalogue_changed(sender, **kwargs):
    """A unit, indicator, target or DTI row saved or deleted one by one (admin, load_catalogue):
    cached pages show them, so they are stale once the change commits."""
    bump_on_commit()
