{
    "name": "Gestions radieuses – Accounting",
    "summary": "Approved expense reports posted in Odoo Accounting, and each "
    "entrepreneur's activity figures from the books on the portal",
    "version": "18.0.1.0.0",
    "category": "Accounting",
    "website": "https://github.com/gestions-radieuses/gestions_radieuses",
    "author": "Gestions radieuses contributors",
    "license": "AGPL-3",
    "maintainers": ["gestions-radieuses"],
    "development_status": "Beta",
    # A CAE with Accounting gets it; one without keeps gestions_radieuses unchanged.
    "depends": ["gestions_radieuses", "account"],
    "auto_install": True,
    "data": [
        "security/ir.model.access.csv",
        "security/security.xml",
        "data/cae_figure_data.xml",
        "views/cae_figure_views.xml",
        "views/portal_figures_templates.xml",
        "views/cae_activity_consolidation_views.xml",
        "views/cae_expense_views.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "gestions_radieuses_account/static/src/portal/*",
        ],
        "web.assets_tests": [
            "gestions_radieuses_account/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/cae_accounting_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
}
