import factory
from django.contrib.auth import get_user_model

from indicators.models import DataValue, Indicator, Target
from units.models import Unit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST-UNIT-{n}")
    name = factory.Sequence(lambda n: f"Đơn vị thử {n}")
    level = "district"
    parent = factory.LazyFunction(lambda: Unit.objects.filter(code="BP").first())


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST-IND-{n}")
    name = factory.Sequence(lambda n: f"Chỉ tiêu thử {n}")
    pillar = "CQS"
    group = "DVC"
    measure = "percent"
    periodicity = "monthly"
    reported_by = factory.LazyFunction(lambda: ["agency", "district"])
    aggregation = "mean"
    direction = "up"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2023
    level = "district"
    comparator = ">="
    value = 80


class DataValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataValue

    indicator = factory.SubFactory(IndicatorFactory)
    unit = factory.SubFactory(UnitFactory)
    period = "2023-08"
    value = 90
    raw = factory.LazyAttribute(lambda o: str(o.value))
    source = "form"
