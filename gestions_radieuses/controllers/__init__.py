from . import expense_portal, portal
