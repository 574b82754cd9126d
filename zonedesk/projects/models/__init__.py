"""Key projects (重点项目): from signing to full production, on a template of nodes.

A project's nodes are copied from its kind's template when it is created; each node keeps its
first planned date (`baseline_on`) for good, and its planned date moves only through an approved
re-plan (flows.py, services.py). Lights are computed, not stored (lights.py).

The tables, one module per topic: the templates (templates), the project (project), its nodes,
re-plans and light notices (nodes), guarantees (guarantees), the service log (service), the
monthly investment (investment). Each module's __all__ says what it exports; imported in the
order the tables were declared in, which apps.get_models() keeps.
"""

# isort: off
from .templates import *  # noqa: F403
from .project import *  # noqa: F403
from .nodes import *  # noqa: F403
from .guarantees import *  # noqa: F403
from .service import *  # noqa: F403
from .investment import *  # noqa: F403
# isort: on
