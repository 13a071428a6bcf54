"""The one exception the fake raises to answer with an SES error."""

from __future__ import annotations


class SESError(Exception):
    """An error SES would return: wire code, message, HTTP status and modeled fields.

    ``fields`` holds the members an error shape carries besides the message
    (``ConfigurationSetName`` and the like), so botocore can copy them into
    ``e.response`` as it does for real SES answers.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        sender_fault: bool = True,
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = sender_fault
        self.fields = fields or {}


def invalid_parameter(message: str) -> SESError:
    return SESError("InvalidParameterValue", message)


class NotEmulatedError(NotImplementedError):
    """Raised for an SES operation that pytest-ses does not emulate.

    It is a Python exception, not an SES error, so application code that
    handles ``ClientError`` cannot mistake it for an answer from SES.
    """

    def __init__(self, operation: str) -> None:
        super().__init__(
            f"pytest-ses does not emulate the SES operation {operation!r}; "
            "the call was not sent anywhere. See the list of emulated operations "
            "in the pytest-ses documentation."
        )
        self.operation = operation
