from . import cae_figure
from . import res_company
from . import account_chart_template
from . import account_move
from . import account_partial_reconcile
from . import cae_expense_category
from . import cae_expense_report
