import datetime as dt

from ninja import Schema


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    sender: str | None
    created: dt.datetime
    read_at: dt.datetime | None


class DueItemOut(Schema):
    kind: str
    title: str
    detail: str
    link: str
    due_on: dt.date | None
    overdue: bool
