"""Every write of monthly figures and targets: atomic, permission-checked, audited.

`figures`: one firm's month (report, correct, confirm; confirming a zone's month in bulk) and a
zone's annual target. `uploads`: a zone's month from a sheet, inline or by the worker.
`utility`: a firm's power and water account numbers, the utility companies' readings.
"""

from zonedesk.monitoring.services.alerts import alert_acknowledge
from zonedesk.monitoring.services.figures import (
    AUDITED_FIELDS,
    FIGURE_FIELDS,
    FigureData,
    annual_figure_save,
    figure_confirm,
    figure_save,
    figures_confirm,
    target_set,
    zone_months_rebuild,
)
from zonedesk.monitoring.services.import_jobs import (
    import_cancel,
    import_confirm,
    import_previews_purge,
    import_run,
    import_start,
    preview_json,
    preview_valid,
    result_firms_json,
)
from zonedesk.monitoring.services.sizes import (
    SizesDerived,
    size_override,
    size_threshold,
    sizes_derive,
)
from zonedesk.monitoring.services.uploads import (
    FirmRef,
    ImportResult,
    MonthlyPreview,
    Overwrite,
    Source,
    monthly_import,
    monthly_import_preview,
)
from zonedesk.monitoring.services.utility import (
    UtilityImportResult,
    utility_accounts_set,
    utility_import,
    utility_import_preview,
)

__all__ = [
    "AUDITED_FIELDS",
    "FIGURE_FIELDS",
    "FigureData",
    "FirmRef",
    "ImportResult",
    "MonthlyPreview",
    "Overwrite",
    "SizesDerived",
    "Source",
    "UtilityImportResult",
    "alert_acknowledge",
    "annual_figure_save",
    "figure_confirm",
    "figure_save",
    "figures_confirm",
    "import_cancel",
    "import_confirm",
    "import_previews_purge",
    "import_run",
    "import_start",
    "monthly_import",
    "monthly_import_preview",
    "preview_json",
    "preview_valid",
    "result_firms_json",
    "size_override",
    "size_threshold",
    "sizes_derive",
    "target_set",
    "utility_accounts_set",
    "utility_import",
    "utility_import_preview",
    "zone_months_rebuild",
]
