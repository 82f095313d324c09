"""URL converters: ``<period:period>`` matches a ``YYYY-MM`` month of an accepted year (2000–2100) and
``<quarter:quarter>`` a ``YYYY-Qn`` quarter, so an address with another period is a 404 before any view
runs."""

from django.urls import register_converter

from .periods import PERIOD_URL_REGEX, QUARTER_URL_REGEX


class PeriodConverter:
    regex = PERIOD_URL_REGEX

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PeriodConverter, "period")


class QuarterConverter(PeriodConverter):
    regex = QUARTER_URL_REGEX


register_converter(QuarterConverter, "quarter")
