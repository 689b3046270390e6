from . import cae_expense_payment_wizard
from . import cae_settings
