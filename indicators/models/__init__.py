from .audit import AuditEntry
from .catalogue import DTIPillar, DTIScore, Indicator, Target
from .values import DataValue

__all__ = ["AuditEntry", "DTIPillar", "DTIScore", "DataValue", "Indicator", "Target"]
