from . import test_activity
from . import test_activity_access
from . import test_activity_portal
from . import test_uploads

# The administrative calendar (issue 3).
from . import test_calendar_dates
from . import test_cae_day
from . import test_calendar_portal
from . import test_deadline_access
from . import test_deadline_digest
from . import test_deadline_generation
from . import test_deadline_concurrency
from . import test_cron_batches

# Simplified expense forms (issue 4).
from . import test_expense_concurrency
from . import test_expense_race
from . import test_expense_export
from . import test_expense_mileage
from . import test_expense_portal
from . import test_expense_security
from . import test_expense_workflow
from . import test_expense_flow
from . import test_mileage_provisional

# Both together: submitting the month closes its deadline.
from . import test_expense_calendar

# The benchmark's operations (issue 5): query budgets that do not grow.
from . import test_performance

# The model as the trust boundary (issue 8): calendar, activities, documents.
from . import test_activity_security
from . import test_calendar_security

# The model is the trust boundary (issue 8): every model attacked over JSON-RPC.
from . import test_rpc_attack

# What an outside tester playing a hostile entrepreneur got through (issue 8).
from . import test_portal_input

# One meaning of "member of an activity" for every rule and search (issue 12).
from . import test_portal_membership

# Beyond one machine (issue 11): pages that only read are read-only routes.
from . import test_readonly_routes

# The support team's desk (issue 9): each role's home, dialogs, "now" buttons.
from . import test_backend_desk

# Trips at the marginal rate of the year (issue 9): pricing, quote, usual trips.
from . import test_mileage_marginal
from . import test_trip_portal

# Less paperwork, measured on a phone (issue 9): every portal page in French.
from . import test_portal_french
