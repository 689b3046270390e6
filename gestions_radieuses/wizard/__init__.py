from . import cae_expense_export_wizard
from . import cae_expense_payment_wizard
from . import cae_expense_refuse_wizard
from . import cae_mileage_regularisation_wizard
from . import cae_settings
