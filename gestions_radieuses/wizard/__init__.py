from . import (
    cae_expense_export_wizard,
    cae_expense_payment_wizard,
    cae_expense_refuse_wizard,
    cae_mileage_regularisation_wizard,
)
