"""The default node template (the issue's 12 nodes, from signing to full production), as data.
Pure Python: migration 0001 loads it for every kind, and `services.templates_ensure` again
where a test or a new database has flushed the table.

(code, name, days after signing, department in charge, the codes it waits for)
"""

NAME = "默认节点模板（签约至达产）"

NODES: list[tuple[str, str, int, str, tuple[str, ...]]] = [
    ("sign", "签约", 0, "招商服务局", ()),
    ("approve", "立项/备案", 30, "经济发展局", ("sign",)),
    ("land_review", "用地预审", 30, "规划建设局", ("sign",)),
    ("land", "土地摘牌", 90, "规划建设局", ("approve", "land_review")),
    ("plan_permit", "规划许可", 120, "规划建设局", ("land",)),
    ("build_permit", "施工许可", 150, "规划建设局", ("plan_permit",)),
    ("start", "开工", 165, "规划建设局", ("build_permit",)),
    ("topped", "主体完工", 330, "规划建设局", ("start",)),
    ("accepted", "竣工验收", 420, "规划建设局", ("topped",)),
    ("trial", "试生产", 450, "经济发展局", ("accepted",)),
    ("producing", "投产", 480, "经济发展局", ("trial",)),
    ("full", "达产", 845, "经济发展局", ("producing",)),
]

# The signing node: a project registered by signing an investment lead has it done that day.
SIGN = "sign"
# The node whose completion puts a project in production, and the one of full production.
PRODUCING, FULL = "producing", "full"
# The node of trial production: with 投产 and what follows, planned from the month of first
# production when the project gives it (services.projects.node_dates).
TRIAL = "trial"
# The nodes the work summary counts: construction started, completed and accepted.
START, ACCEPTED = "start", "accepted"
# The codes other code relies on (services/nodes.py: 投产 registers the firm and sets the state;
# selectors/summary.py and invest.py count by them): the template page keeps them.
REQUIRED = (START, ACCEPTED, PRODUCING, FULL)

# The default nodes' names in English, by their Chinese name (stored as data, so a zone may
# rename them): a node still named as the default reads in English when English is active
# (models.ProjectNode.label); one the zone named itself reads as it was typed.
ENGLISH = {
    "签约": "Signing",
    "立项/备案": "Project approval/filing",
    "用地预审": "Land pre-review",
    "土地摘牌": "Land acquired",
    "规划许可": "Planning permit",
    "施工许可": "Construction permit",
    "开工": "Construction start",
    "主体完工": "Main structure done",
    "竣工验收": "Completion acceptance",
    "试生产": "Trial production",
    "投产": "Production start",
    "达产": "Full production",
}
