"""The readiness app's models, split by topic and re-exported here. They came from the
personnel app and keep its tables (each Meta names its db_table; the history models keep
theirs through table_name)."""

from .missions import Contingent, ContingentPost, Deployment, DeploymentStatus, Mission
from .pcrs import PCRSLevelChange, PCRSPledge, VisitFinding
from .requirements import RequirementProfile
from .units import (
    AreaResult,
    AssessmentArea,
    AssessmentAreaResult,
    AssessmentKind,
    AssessmentOutcome,
    GenderTarget,
    PCRSLevel,
    ReadinessSnapshot,
    UnitReadinessAssessment,
)

__all__ = [
    "AreaResult",
    "AssessmentArea",
    "AssessmentAreaResult",
    "AssessmentKind",
    "AssessmentOutcome",
    "Contingent",
    "ContingentPost",
    "Deployment",
    "DeploymentStatus",
    "GenderTarget",
    "Mission",
    "PCRSLevel",
    "PCRSLevelChange",
    "PCRSPledge",
    "ReadinessSnapshot",
    "RequirementProfile",
    "UnitReadinessAssessment",
    "VisitFinding",
]
