"""Queries and mutations shared by web views, CLI commands and jobs.

Functions take the SQLAlchemy session first and flush, never commit: the caller commits once.
"""


class ServiceError(ValueError):
    """Input a person can correct; the message is shown to them as it is."""


class InvalidField(ServiceError):
    """Input a person can correct, naming the form field it belongs to."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)
