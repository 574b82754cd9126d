"""The default per-mu evaluation scheme, Zhejiang-style (see docs/statistics.md)."""

import datetime as dt

from django.db import migrations

SOURCE = (
    "浙江省人民政府《关于深化“亩均论英雄”改革的指导意见》(浙政发〔2018〕5号): 规上工业企业以亩均税收、"
    "亩均增加值、单位能耗增加值、单位排放增加值、全员劳动生产率、研发经费支出与主营业务收入之比评价. "
    "Points as in a county's published Zhejiang scoring (台州市黄岩区, 2022年度工业企业综合评价得分计算说明, "
    "2023-09-25): 亩均税收 30, 亩均增加值 20, 单位能耗增加值 20, 单位排放增加值 10, 全员劳动生产率 10, "
    "R&D 经费占主营业务收入比重 10; each indicator divided by its benchmark (the population's mean). "
    "单位排放增加值 is not collected here: 黄岩 gives firms without emission data the item's average "
    "points, the same for every firm, so leaving it out ranks the firms the same. Grade shares by rank "
    "(A best 25 %, B to 70 %, C to 95 %, D the last 5 %) as county schemes publish them."
)


def seed(apps, schema_editor):
    PerMuScheme = apps.get_model("monitoring", "PerMuScheme")
    PerMuScheme.objects.get_or_create(
        valid_from=dt.date(2018, 1, 1),
        defaults={
            "name": "亩均效益综合评价（浙江式，默认）",
            "source": SOURCE,
            "weights": {
                "tax_per_mu": 30,
                "value_added_per_mu": 20,
                "value_added_per_tce": 20,
                "labour_productivity": 10,
                "rd_share": 10,
            },
            "cutoffs": {"A": 0.25, "B": 0.70, "C": 0.95},
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("monitoring", "PerMuScheme").objects.filter(
        valid_from=dt.date(2018, 1, 1)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0012_tax_energy_annual_figures_permu_scheme")]

    operations = [migrations.RunPython(seed, unseed)]
