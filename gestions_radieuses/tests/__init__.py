from . import (
    test_expense_concurrency,
    test_expense_export,
    test_expense_mileage,
    test_expense_portal,
    test_expense_workflow,
)
