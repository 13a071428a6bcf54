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

    def __init__(self, operation: str, service: str = "ses") -> None:
        api = _API_NAMES.get(service, service)
        super().__init__(
            f"pytest-ses does not emulate the {api} operation {operation!r}; the call was not "
            f"sent anywhere. The emulated operations are listed on the {OPERATIONS_PAGE} page of "
            "the pytest-ses documentation."
        )
        self.operation = operation
        self.service = service


OPERATIONS_PAGE = "'Operations' (docs/operations.md)"
# botocore service name -> how the message names the API
_API_NAMES = {"ses": "SES", "sesv2": "SES API v2 (sesv2)", "pinpoint-email": "pinpoint-email"}
