"""Storage only: tables and relationships, no business rules.

Every model module is imported here so Alembic sees the whole schema.
"""

from supplier_dd.models.answer_verification import AnswerVerification
from supplier_dd.models.api_key import ApiKey
from supplier_dd.models.attestation import AttestationReminder, AttestationSchedule
from supplier_dd.models.audit import AuditChainHead, AuditEntry
from supplier_dd.models.bulk_request import BulkCampaign, BulkCampaignSupplier
from supplier_dd.models.cabinet_pack import CabinetPack, CabinetPackRun, PackTarget
from supplier_dd.models.contract import Contract, Tender, tender_invitations
from supplier_dd.models.council import (
    Council,
    CouncilOwned,
    CouncilSupplier,
    SharingConsent,
)
from supplier_dd.models.declaration import Declaration, DeclarationRequest, EvidenceFile
from supplier_dd.models.exclusion import DebarmentCheck, DebarmentEntry, ExclusionDecision
from supplier_dd.models.feedback import RecommendationResponse, SupplierEvidenceFile
from supplier_dd.models.identity_provider import IdentityProvider, IdentityProviderGroup
from supplier_dd.models.imports import ImportBatch, RegistryStatement
from supplier_dd.models.invitation import Invitation
from supplier_dd.models.notification import DigestItem
from supplier_dd.models.outbox import OutboxMessage
from supplier_dd.models.password_reset import PasswordResetToken
from supplier_dd.models.programme import (
    ActionPlan,
    ActionPlanPriority,
    ActionRagChange,
    CharterEvidence,
    CharterEvidenceDocument,
    PlanAction,
    Referral,
    TrainingRecord,
)
from supplier_dd.models.removed_bidder import RemovedBidder
from supplier_dd.models.risk import (
    AssessmentReview,
    CorrectiveAction,
    CorrectiveActionEvent,
    ReviewQuery,
    RiskAssessment,
    SupplierRiskSummary,
)
from supplier_dd.models.risk_model_activation import RiskModelActivation
from supplier_dd.models.shared_answer import SharedAnswer
from supplier_dd.models.statement import TransparencyStatement
from supplier_dd.models.supplier import Supplier
from supplier_dd.models.user import User
from supplier_dd.models.user_session import UserSession

# Imported last: its listeners scope every session to the council it acts for.
from supplier_dd.models import tenancy  # noqa: E402,F401  isort: skip

__all__ = [
    "Council",
    "IdentityProvider",
    "TransparencyStatement",
    "IdentityProviderGroup",
    "CouncilOwned",
    "CouncilSupplier",
    "SharingConsent",
    "DebarmentCheck",
    "DebarmentEntry",
    "ExclusionDecision",
    "AnswerVerification",
    "BulkCampaign",
    "BulkCampaignSupplier",
    "ApiKey",
    "RemovedBidder",
    "RiskModelActivation",
    "SharedAnswer",
    "DigestItem",
    "CabinetPack",
    "CabinetPackRun",
    "PackTarget",
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
    "CharterEvidenceDocument",
    "PlanAction",
    "Referral",
    "TrainingRecord",
    "AttestationReminder",
    "AttestationSchedule",
    "Declaration",
    "DeclarationRequest",
    "EvidenceFile",
    "RecommendationResponse",
    "SupplierEvidenceFile",
    "ImportBatch",
    "RegistryStatement",
    "AuditChainHead",
    "AuditEntry",
    "Contract",
    "Invitation",
    "OutboxMessage",
    "PasswordResetToken",
    "Supplier",
    "Tender",
    "User",
    "UserSession",
    "tender_invitations",
]
