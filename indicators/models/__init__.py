from .audit import AuditEntry
from .catalogue import DTIPillar, DTIScore, Indicator, Target
from .status import Completeness, ProvinceAggregate, SeriesStats, ValueStatus
from .values import DataValue
from .version import DataVersion
from .workflow import Submission, SubmissionState

__all__ = [
    "AuditEntry", "Completeness", "DTIPillar", "DTIScore", "DataValue", "DataVersion", "Indicator", "ProvinceAggregate", "SeriesStats", "Target",
    "ValueStatus", "Submission", "SubmissionState",
]
