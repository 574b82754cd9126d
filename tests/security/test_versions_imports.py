"""Imports are changes too: a firm or a month an import changes moves to its next version, so
an edit form or API client still holding the old one is refused instead of overwriting the
imported values (the bulk paths write SQL, not the services' per-record compare)."""

import dataclasses

import pytest

from tests.enterprises.test_imports import workbook
from tests.factories import JUNE, filled_template, saved
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import StaleVersion
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.services import EnterpriseData, enterprise_import, enterprise_update
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.monitoring.services import FigureData, figure_save, monthly_import

pytestmark = pytest.mark.django_db


def test_a_firm_import_makes_an_open_edit_stale(world):
    firm = world.firm_a
    read_at = firm.version
    row = [firm.name, firm.credit_code, "zone-a", "C3311", "No", "Halted", None, "导入地址"]
    row += ["officer", "", ""]
    enterprise_import(actor=world.users["leader"], fileobj=workbook([row]))
    stored = Enterprise.objects.get(pk=firm.pk)
    assert stored.version == read_at + 1 and stored.address == "导入地址"
    with pytest.raises(StaleVersion):
        enterprise_update(
            actor=world.users["leader"],
            enterprise=stored,
            data=EnterpriseData.of(stored),
            expected_version=read_at,
        )


def test_a_monthly_import_makes_an_open_month_stale(world):
    figure = figure_save(actor=SYSTEM, enterprise=world.firm_a, period=JUNE, data=FigureData(1, 1))
    assert figure.version == 1
    monthly_import(
        actor=world.users["leader"],
        zone=world.zone_a,
        period=JUNE,
        fileobj=saved(filled_template(world)),
    )
    figures = dict(MonthlyFigure.objects.values_list("enterprise_id", "version"))
    assert figures[world.firm_a.pk] == 2  # replaced: the next version
    assert figures[world.firm_a2.pk] == 1  # new: the first
    with pytest.raises(StaleVersion):
        figure_save(
            actor=SYSTEM,
            enterprise=world.firm_a,
            period=JUNE,
            data=FigureData(5, 5),
            expected_version=1,
        )


def test_a_firm_edited_between_the_check_and_the_write_refuses_the_import(world):
    """The import checks the sheet outside its transaction; a firm edited in the meantime is
    caught under the write's lock, and nothing is written (the edit stays)."""
    from zonedesk.core.xlsx import ImportRejected
    from zonedesk.enterprises import imports
    from zonedesk.enterprises.services import _import_write

    firm, leader = world.firm_a, world.users["leader"]
    row = [firm.name, firm.credit_code, "zone-a", "C3311", "No", "Halted", None, "导入地址"]
    checked = imports.parse(leader, workbook([[*row, "officer", "", ""]]))
    data = dataclasses.replace(EnterpriseData.of(firm), address="同时编辑的地址")
    enterprise_update(actor=leader, enterprise=firm, data=data, expected_version=firm.version)
    with pytest.raises(ImportRejected) as refused:
        _import_write(actor=leader, rows=checked)
    assert "导入期间企业名录发生了变化" in refused.value.errors[0].reason
    assert Enterprise.objects.get(pk=firm.pk).address == "同时编辑的地址"
