"""Pages of production monitoring, one module per page group: the dashboard (the scope's
status) and the growth target (`status`), the month's firm table, a firm's figures and their
confirmation (`month`), the figures' import (`import_pages`); what they share (`common`)."""

from zonedesk.monitoring.views.common import _zone, basis_labels, size_labels
from zonedesk.monitoring.views.import_pages import (
    import_confirm,
    import_figures,
    import_job,
    import_template,
)
from zonedesk.monitoring.views.month import (
    confirm_all,
    confirm_all_ask,
    figure_confirm,
    figure_edit,
    month_export,
    month_table,
)
from zonedesk.monitoring.views.status import (
    TARGET_FORM_SLOT,
    dashboard,
    dashboard_export,
    target_set,
)

__all__ = [
    "TARGET_FORM_SLOT",
    "_zone",
    "basis_labels",
    "confirm_all",
    "confirm_all_ask",
    "dashboard",
    "dashboard_export",
    "figure_confirm",
    "figure_edit",
    "import_confirm",
    "import_figures",
    "import_job",
    "import_template",
    "month_export",
    "month_table",
    "size_labels",
    "target_set",
]
