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
