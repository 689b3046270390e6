from . import (
    cae_accompaniment,
    cae_activity,
    cae_activity_document,
    cae_activity_stage_history,
    cae_document_type,
    cae_expense_category,
    cae_expense_line,
    cae_expense_report,
    cae_mileage_scale,
    res_company,
    res_config_settings,
    res_partner,
)
