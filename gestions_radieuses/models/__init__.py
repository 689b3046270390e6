from . import res_company
from . import res_config_settings
from . import res_partner
from . import res_users
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
from . import cae_deadline_now

# Simplified expense forms (issue 4).
from . import cae_expense_category
from . import cae_mileage_scale
from . import cae_expense_report
from . import cae_expense_line
from . import cae_expense_line_mileage
from . import cae_expense_line_portal

# Trips at the marginal rate of the year, quotes, usual trips (issue 9).
from . import cae_mileage_marginal
from . import cae_expense_line_trips
