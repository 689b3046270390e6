from . import cae_expense_payment_wizard
from . import cae_settings
from . import cae_expense_export_wizard
