"""Sending one delivery over HTTP: signed, to the address checked, with a timeout.

Plain `http.client`, one kept-alive connection per endpoint: no redirects are followed (a
redirect is an answer like any other non-2xx), and the connection goes to the address that
`addresses.resolve` checked, with the URL's host as Host header and TLS server name.
"""

import http.client
import socket
import ssl

from zeal.webhooks import addresses
from zeal.webhooks.delivery import Outcome, Parcel
from zeal.webhooks.errors import WebhookUrlRefused
from zeal.webhooks.signing import headers

USER_AGENT = "Zeal-Webhooks/1"
_MAX_ANSWER_BYTES = 64 * 1024  # read (and drop) at most this much of an answer


def _connected(address: str, port: int, timeout: float | None) -> socket.socket:
    sock = socket.create_connection((address, port), timeout)
    # As http.client does: a request's last segment must not wait for the previous one's ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class _Pinned(http.client.HTTPConnection):
    address = ""

    def connect(self) -> None:
        self.sock = _connected(self.address, self.port, self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    address = ""

    def connect(self) -> None:
        sock = _connected(self.address, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class Sender:
    """One endpoint's connection, opened on first use and again after any failure."""

    def __init__(self, url: str, *, timeout_seconds: float, allow_private: bool) -> None:
        self.url = url
        self.timeout = timeout_seconds
        self.allow_private = allow_private
        self._connection: http.client.HTTPConnection | None = None
        self._path = "/"

    def send(self, parcel: Parcel, timestamp: int) -> Outcome:
        try:
            connection = self._connect()
            signed = headers(parcel.secret, parcel.message_id, timestamp, parcel.body)
            connection.request(
                "POST",
                self._path,
                body=parcel.body,
                headers={
                    **signed,
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                },
            )
            answer = connection.getresponse()
            answer.read(_MAX_ANSWER_BYTES)
            if not answer.isclosed():  # an answer longer than we read: start afresh
                self.close()
            return Outcome(answer.status)
        except WebhookUrlRefused as refused:
            self.close()
            return Outcome(None, refused.detail)
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return Outcome(None, _describe(error))

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            target = addresses.resolve(self.url, allow_private=self.allow_private)
            connection: http.client.HTTPConnection
            if target.scheme == "https":
                tls = ssl.create_default_context()
                connection = _PinnedTLS(target.host, target.port, timeout=self.timeout, context=tls)
            else:
                connection = _Pinned(target.host, target.port, timeout=self.timeout)
            connection.address = target.address
            self._connection, self._path = connection, target.path
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError | socket.timeout):
        return "The endpoint did not answer in time."
    if isinstance(error, ConnectionRefusedError):
        return "The endpoint refused the connection."
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
