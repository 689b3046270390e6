from . import res_company
from . import res_config_settings
from . import res_partner
from . import ir_qweb
from . import cae_deadline_source
from . import cae_document_type
from . import cae_activity
from . import cae_activity_stage_history
from . import cae_activity_document
from . import cae_accompaniment

# The administrative calendar (issue 3).
from . import cae_deadline_rule
from . import cae_deadline
from . import cae_deadline_generation
from . import cae_deadline_digest
from . import cae_deadline_feed

# Simplified expense forms (issue 4).
from . import cae_expense_category
from . import cae_mileage_scale
from . import cae_expense_report
from . import cae_expense_line
from . import cae_expense_line_mileage
from . import cae_expense_line_portal
