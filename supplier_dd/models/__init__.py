"""Storage only: tables and relationships, no business rules.

Every model module is imported here so Alembic sees the whole schema.
"""

from supplier_dd.models.attestation import AttestationReminder, AttestationSchedule
from supplier_dd.models.audit import AuditChainHead, AuditEntry
from supplier_dd.models.cabinet_pack import CabinetPack, CabinetPackRun
from supplier_dd.models.contract import Contract, Tender, tender_invitations
from supplier_dd.models.declaration import Declaration, DeclarationRequest, EvidenceFile
from supplier_dd.models.imports import ImportBatch, RegistryStatement
from supplier_dd.models.invitation import Invitation
from supplier_dd.models.notification import DigestItem
from supplier_dd.models.outbox import OutboxMessage
from supplier_dd.models.programme import (
    ActionPlan,
    ActionPlanPriority,
    ActionRagChange,
    CharterEvidence,
    PlanAction,
    Referral,
    TrainingRecord,
)
from supplier_dd.models.risk import (
    AssessmentReview,
    CorrectiveAction,
    CorrectiveActionEvent,
    ReviewQuery,
    RiskAssessment,
    SupplierRiskSummary,
)
from supplier_dd.models.supplier import Supplier
from supplier_dd.models.user import User
from supplier_dd.models.user_session import UserSession

__all__ = [
    "DigestItem",
    "CabinetPack",
    "CabinetPackRun",
    "AssessmentReview",
    "CorrectiveAction",
    "CorrectiveActionEvent",
    "ReviewQuery",
    "RiskAssessment",
    "SupplierRiskSummary",
    "ActionPlan",
    "ActionPlanPriority",
    "ActionRagChange",
    "CharterEvidence",
    "PlanAction",
    "Referral",
    "TrainingRecord",
    "AttestationReminder",
    "AttestationSchedule",
    "Declaration",
    "DeclarationRequest",
    "EvidenceFile",
    "ImportBatch",
    "RegistryStatement",
    "AuditChainHead",
    "AuditEntry",
    "Contract",
    "Invitation",
    "OutboxMessage",
    "Supplier",
    "Tender",
    "User",
    "UserSession",
    "tender_invitations",
]
