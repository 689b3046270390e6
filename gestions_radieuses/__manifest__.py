{
    "name": "Gestions radieuses",
    "summary": "Lighter paperwork for CAE entrepreneurs and their support team: "
    "activity records, administrative calendar, simplified expenses",
    "version": "18.0.1.0.0",
    "category": "Services",
    "website": "https://github.com/gestions-radieuses/gestions_radieuses",
    "author": "Gestions radieuses contributors",
    "license": "AGPL-3",
    "depends": ["portal", "mail", "analytic"],
    "data": [
        "security/security.xml",
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "data/ir_sequence_data.xml",
        "data/cae_document_type_data.xml",
        "data/ir_cron_data.xml",
        "views/cae_activity_views.xml",
        "views/cae_activity_document_views.xml",
        "views/cae_accompaniment_views.xml",
        "views/cae_document_type_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
        "views/portal_templates.xml",
    ],
    "demo": [
        "demo/cae_demo_users.xml",
        "demo/cae_activity_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "gestions_radieuses/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
