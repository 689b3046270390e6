from . import (
    cae_accompaniment,
    cae_activity,
    cae_activity_document,
    cae_activity_stage_history,
    cae_document_type,
    res_company,
    res_config_settings,
    res_partner,
)

# isort: split
# The administrative calendar (issue 3).
from . import (
    cae_accompaniment_calendar,
    cae_activity_calendar,
    cae_activity_document_calendar,
    cae_deadline,
    cae_deadline_rule,
)
