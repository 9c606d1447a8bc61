"""The one error type tito shows to people: a plain line plus a hint."""


class TitoError(Exception):
    """An expected failure: printed as one line and a hint, never a traceback."""

    def __init__(self, message: str, hint: str | None = None, code: int = 1):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code

    def __str__(self) -> str:
        return self.message
