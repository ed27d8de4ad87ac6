"""The configured app for Celery's own tools: `celery -A callbrief.workers.celeryapp flower`.

Settings come as for every command: $CALLBRIEF_CONFIG (else ./config.yaml), $CALLBRIEF_DB and
$CALLBRIEF_BROKER. `callbrief worker` and `callbrief beat` do not need this module.
"""

from callbrief.foundation.settings import load_settings
from callbrief.workers.app import configure

app = configure(load_settings())

import callbrief.workers.tasks  # noqa: E402, F401  (registers the tasks on the app)
