"""Structured logs: the request id on every record, and one JSON object per line when asked.

`RequestContextMiddleware` sets `request_id` for the request it serves; `RequestIdFilter` (on the
handlers in settings.LOGGING) copies it onto every record that passes, so a line written deep in
a service names the request that caused it. `JsonFormatter` writes a record as one JSON object
(LOG_FORMAT=json), with the standard fields and whatever the caller passed in `extra`.

Standard library only: the formatter is twenty lines, so no dependency (python-json-logger) is
needed for it.
"""

import datetime as dt
import json
import logging
import re
import uuid
from contextvars import ContextVar

# The id of the request being served ("" outside a request: commands, the worker).
request_id: ContextVar[str] = ContextVar("zonedesk_request_id", default="")

# An id taken from a proxy's X-Request-ID header must look like one (nginx's $request_id is 32 hex
# digits): anything else is replaced, so a client cannot write into the logs through it.
_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def valid_id(value: str | None) -> bool:
    return bool(value) and _ID.fullmatch(value) is not None


def new_id() -> str:
    return uuid.uuid4().hex


def forget_request(**kwargs) -> None:
    """Once a response is closed, later records (in the same thread) belong to no request."""
    request_id.set("")


class RequestIdFilter(logging.Filter):
    """Put the current request's id on the record (`-` outside a request); never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get() or "-"
        return True


# The attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the request id and
    the fields passed in `extra`; an exception as its formatted traceback."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)

    def formatTime(self, record, datefmt=None) -> str:
        return dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
            timespec="milliseconds"
        )


def config(log_format: str, level: str, request_level: str = "INFO") -> dict:
    """settings.LOGGING: the console handler, plain or JSON, with the request id on each line;
    `zonedesk.request` (one line per request) at `request_level`, everything else at `level`."""
    formatters = {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "zonedesk.core.logs.JsonFormatter"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "zonedesk.core.logs.RequestIdFilter"}},
        "formatters": formatters,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "json" if log_format == "json" else "plain",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"zonedesk.request": {"level": request_level}},
    }
