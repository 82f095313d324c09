"""Form fields shared by every app's forms."""

from __future__ import annotations

from django import forms

from .periods import PeriodError, parse_period


class PeriodField(forms.CharField):
    """A ``YYYY-MM`` period of an accepted year, refused with the one period message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return parse_period(value)
        except PeriodError as exc:
            raise forms.ValidationError(str(exc), code="invalid_period") from exc
