"""An import reads and checks its file outside any transaction and writes in one short one
afterwards, so other users keep writing while a large file is parsed (issue 14, item 1).

Before, the firms' import parsed inside its write transaction: on SQLite (WAL, BEGIN
IMMEDIATE) the database's write lock was held for the whole parse and every other writer
waited for it, then failed with "database is locked". The writer here runs in its own thread,
on its own connection to the same database file, while the import runs in another."""

import threading
import time

import pytest
import xlsxwriter
from django.db import OperationalError, connection, connections

from zonedesk.core import uscc
from zonedesk.core.xlsx import ImportRejected
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.services import enterprise_import

FIRMS = 8000


def credit_code(n: int) -> str:
    first = f"91440300{n:09d}"
    return first + uscc.check_character(first)


def large_register(path) -> bytes:
    """A register of FIRMS new firms, as XlsxWriter saves it, whose last row has an industry
    code that does not exist: the whole file is read and checked, then refused. (A refused file
    writes nothing, so what the writer meets is the parse alone; the old code held the lock for
    it all the same.)"""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("enterprises")
    sheet.write_row(0, 0, ["Enterprise name", "Unified social credit code", "Industry code"])
    for n in range(1, FIRMS + 1):
        sheet.write_row(n, 0, [f"并发测试{n}有限公司", credit_code(n), "C3311"])
    sheet.write_row(FIRMS + 1, 0, ["最后一家有限公司", credit_code(FIRMS + 1), "C9999"])
    book.close()
    return path.read_bytes()


@pytest.mark.django_db(transaction=True)
def test_another_user_writes_while_a_large_import_is_parsed(world, tmp_path):
    data = large_register(tmp_path / "register.xlsx")
    outcome = {}

    def run_import():
        try:
            enterprise_import(actor=world.users["leader"], fileobj=data)
        except ImportRejected as exc:
            outcome["refused"] = exc.errors
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    writes, refused = [], []
    importer = threading.Thread(target=run_import)
    started = time.monotonic()
    importer.start()
    time.sleep(0.1)  # the import is reading the file; the old code held the lock from here
    firm = world.firm_a
    n = 0
    while importer.is_alive():
        n += 1
        try:
            Enterprise.objects.filter(pk=firm.pk).update(address=f"写入 {n}")
        except OperationalError as exc:
            refused.append(str(exc))
        else:
            if importer.is_alive():  # finished while the import was still running
                writes.append(time.monotonic() - started)
        time.sleep(0.01)
    importer.join()

    assert "error" not in outcome, outcome
    assert [e.row for e in outcome["refused"]] == [FIRMS + 2]
    assert not Enterprise.objects.filter(credit_code=credit_code(1)).exists()
    assert refused == []
    # Writes went through during the import, not after it: the parse held no lock.
    assert len(writes) >= 5, (writes, time.monotonic() - started)
    if connection.vendor == "sqlite":
        assert connection.settings_dict["NAME"] != ":memory:"  # a real file, shared
