import { registry } from "@web/core/registry";

// Each staff role opens the CAE app and its main menus (issue 9, finding 8): the
// tour waits for every page, so an access error dialog or a failed RPC fails it.

const NO_ERROR = {
    content: "No error dialog",
    trigger: "body:not(:has(.o_error_dialog))",
};

function landing(title) {
    return [
        {
            content: `The CAE app opens on ${title}`,
            trigger: `.o_breadcrumb .active:contains('${title}')`,
        },
        NO_ERROR,
    ];
}

function reopenApp(title) {
    return [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the CAE app",
            trigger: ".o-dropdown--menu [data-menu-xmlid='gestions_radieuses.menu_cae_root']",
            run: "click",
        },
        ...landing(title),
    ];
}

function openMenu(section, item, loaded) {
    return [
        {
            content: `Open the ${section} menu`,
            trigger: `.o_main_navbar button[data-menu-xmlid='gestions_radieuses.${section}']`,
            run: "click",
        },
        {
            content: `Open ${item}`,
            trigger: `.o-dropdown--menu [data-menu-xmlid='gestions_radieuses.${item}']`,
            run: "click",
        },
        {
            content: `${item} is shown`,
            trigger: loaded,
        },
        NO_ERROR,
    ];
}

function openDialog(section, item, field) {
    return [
        ...openMenu(section, item, `.modal .o_form_view [name='${field}']`),
        {
            content: "Close the dialog",
            trigger: ".modal .modal-footer button.btn-secondary",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ];
}

const ENTREPRENEURS = [
    ...openMenu(
        "menu_cae_entrepreneurs",
        "cae_activity_menu",
        ".o_kanban_record:contains('Activity A')"
    ),
    {
        content: "Open an activity",
        trigger: ".o_kanban_record:contains('Activity A')",
        run: "click",
    },
    {
        content: "Its form is shown",
        trigger: ".o_form_view .o_field_widget[name='name']:contains('Activity A'), .o_form_view .o_field_widget[name='name'] input",
    },
    NO_ERROR,
    ...openMenu(
        "menu_cae_entrepreneurs",
        "cae_activity_document_menu",
        ".o_breadcrumb .active:contains('Documents')"
    ),
];

const CALENDAR = [
    ...openMenu(
        "menu_cae_calendar",
        "cae_deadline_needs_me_menu",
        ".o_breadcrumb .active:contains('What needs me')"
    ),
    ...openMenu(
        "menu_cae_calendar",
        "cae_deadline_menu",
        ".o_breadcrumb .active:contains('Deadlines')"
    ),
];

const EXPENSES = [
    ...openMenu(
        "menu_cae_expenses",
        "cae_expense_report_menu_to_approve",
        ".o_data_row:contains('Activity A')"
    ),
    {
        content: "Open the report to approve",
        trigger: ".o_data_row:contains('Activity A') .o_data_cell",
        run: "click",
    },
    {
        content: "Its form is shown with its line",
        trigger: ".o_form_view .o_data_row:contains('Tour receipt')",
    },
    NO_ERROR,
    ...openMenu(
        "menu_cae_expenses",
        "cae_expense_report_menu",
        ".o_breadcrumb .active:contains('Expense reports')"
    ),
    ...openMenu(
        "menu_cae_expenses",
        "cae_expense_line_menu",
        ".o_breadcrumb .active:contains('Expenses')"
    ),
    ...openMenu(
        "menu_cae_expenses",
        "cae_expense_line_menu_analysis",
        ".o_pivot, .o_graph_renderer"
    ),
];

const ACCOUNTING = [
    ...openDialog("menu_cae_expenses", "cae_expense_export_wizard_menu", "date_from"),
    ...openDialog(
        "menu_cae_expenses",
        "cae_mileage_regularisation_wizard_menu",
        "activity_id"
    ),
];

registry.category("web_tour.tours").add("cae_backend_accountant", {
    url: "/odoo",
    steps: () => [
        ...landing("To approve"),
        ...reopenApp("To approve"),
        ...EXPENSES,
        ...ACCOUNTING,
        ...ENTREPRENEURS,
        ...CALENDAR,
    ],
});

registry.category("web_tour.tours").add("cae_backend_advisor", {
    url: "/odoo",
    steps: () => [
        ...landing("My entrepreneurs"),
        ...reopenApp("My entrepreneurs"),
        ...ENTREPRENEURS,
        ...openMenu(
            "menu_cae_entrepreneurs",
            "cae_accompaniment_menu",
            ".o_breadcrumb .active"
        ),
        ...CALENDAR,
        ...EXPENSES,
    ],
});

registry.category("web_tour.tours").add("cae_backend_manager", {
    url: "/odoo",
    steps: () => [
        ...landing("What needs me"),
        ...reopenApp("What needs me"),
        {
            content: "The managers' buttons are there",
            trigger: ".o_control_panel button[name='action_cae_send_digests_now']",
        },
        ...ENTREPRENEURS,
        ...CALENDAR,
        ...EXPENSES,
        ...ACCOUNTING,
        ...openMenu(
            "menu_cae_configuration",
            "cae_settings_menu",
            ".o_form_view .o_field_widget[name='cae_deadline_horizon_months']"
        ),
        {
            content: "Generate the deadlines now",
            trigger: ".o_form_view button[name='action_generate_now']",
            run: "click",
        },
        {
            content: "Started, result in a few minutes",
            trigger: ".o_notification:contains('Started')",
        },
        NO_ERROR,
        ...openMenu(
            "menu_cae_configuration",
            "cae_deadline_rule_menu",
            ".o_breadcrumb .active:contains('Deadline rules')"
        ),
        ...openMenu(
            "menu_cae_configuration",
            "cae_expense_category_menu",
            ".o_breadcrumb .active"
        ),
        ...openMenu(
            "menu_cae_configuration",
            "cae_mileage_scale_menu",
            ".o_breadcrumb .active"
        ),
        ...openMenu(
            "menu_cae_configuration",
            "cae_document_type_menu",
            ".o_breadcrumb .active"
        ),
    ],
});
