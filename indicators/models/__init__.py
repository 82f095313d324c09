from .audit import AuditEntry
from .catalogue import DTIPillar, DTIScore, Indicator, Target
from .changes import ValueChange
from .status import Completeness, ProvinceAggregate, SeriesStats, ValueStatus
from .values import DataValue
from .version import DataVersion
from .workflow import Submission, SubmissionState

__all__ = [
    "AuditEntry",
    "Completeness",
    "DTIPillar",
    "DTIScore",
    "DataValue",
    "DataVersion",
    "Indicator",
    "ProvinceAggregate",
    "SeriesStats",
    "Target",
    "ValueChange",
    "ValueStatus",
    "Submission",
    "SubmissionState",
]
