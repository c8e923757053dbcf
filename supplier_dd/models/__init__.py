"""Storage only: tables and relationships, no business rules.

Every model module is imported here so Alembic sees the whole schema.
"""

from supplier_dd.models.audit import AuditChainHead, AuditEntry
from supplier_dd.models.contract import Contract, Tender, tender_invitations
from supplier_dd.models.invitation import Invitation
from supplier_dd.models.outbox import OutboxMessage
from supplier_dd.models.supplier import Supplier
from supplier_dd.models.user import User

__all__ = ["AuditChainHead", "AuditEntry", "Contract", "Invitation", "OutboxMessage", "Supplier", "Tender", "User", "tender_invitations"]
