"""Refusals of the abuse limits."""

from typing import ClassVar

from zeal.errors import ZealError


class RateLimited(ZealError):
    status: ClassVar[int] = 429
    code: ClassVar[str] = "rate_limited"
    title: ClassVar[str] = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.headers["Retry-After"] = str(retry_after)
