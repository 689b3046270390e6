"""Every model of the module attacked over the real JSON-RPC route.

A portal session can call the ORM through ``/web/dataset/call_kw`` with any method,
values and context: the model is the trust boundary, not the page. This test does not
list what to attack: it enumerates the module's models, their stored fields and their
public methods from the registry, and the context keys from the module's source, so
that whatever is added later is attacked too without editing it.
"""

import base64
import json
import logging
import pathlib
import re

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import SQL, mute_logger

from .common import PNG_BYTES, CaeHttpMixin
from .expense_common import CaeExpenseCommon

_logger = logging.getLogger(__name__)

MODULE = "gestions_radieuses"
MODULE_DIR = pathlib.Path(__file__).resolve().parent.parent

# Entrepreneur actions: public methods a portal user may call on their own records
# (each proven by its own tests). On anybody else's records they must be refused.
ENTREPRENEUR_ACTIONS = {
    "cae.expense.line": {
        "portal_add_expense",
        "portal_correct_expense",
        "portal_add_receipts",
        "portal_remove_expense",
        "portal_remove_receipts",
        # Only read (issue 9): refused on others' activities by test_trip_portal.
        "portal_trip_quote",
        "portal_usual_trips",
    },
    "cae.expense.report": {"action_submit"},
    "cae.activity.document": {"cae_portal_upload"},
    "cae.deadline": {"action_done"},
}
# Core methods that only read, or that Odoo itself guards and that change nothing.
READ_ONLY_METHODS = {
    "browse",
    "check_access",
    "check_access_rights",
    "check_access_rule",
    "check_field_access_rights",
    "default_get",
    "ensure_one",
    "exists",
    "fields_get",
    "filtered",
    "filtered_domain",
    "get_base_url",
    "get_empty_list_help",
    "get_formview_action",
    "get_formview_id",
    "get_views",
    "grouped",
    "has_access",
    "has_field_access",
    "load_views",
    "mapped",
    "name_search",
    "onchange",
    "read",
    "read_group",
    "search",
    "search_count",
    "search_fetch",
    "search_read",
    "sorted",
    "web_read",
    "web_read_group",
    "web_search_read",
    "with_company",
    "with_context",
    "with_env",
    "with_prefetch",
    "with_user",
}
# Fields Odoo itself maintains on every write: not what an attack changes.
BOOKKEEPING_FIELDS = {"write_date", "write_uid", "__last_update"}
# Odoo's own context keys that change what the ORM does.
CORE_CONTEXT_KEYS = {
    "active_test": False,
    "install_mode": True,
    "tracking_disable": True,
    "mail_notrack": True,
}
# Context keys that are not switches (the user's language).
IGNORED_CONTEXT_KEYS = {"lang", "tz"}


def module_context_keys():
    """Every context key the module's code reads, set to a value a caller might try."""
    pattern = re.compile(
        r"""context(?:\.get\(|\[)\s*["'](\w+)["']|with_context\(\s*(\w+)\s*="""
    )
    keys = set()
    for path in MODULE_DIR.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            keys.add(match.group(1) or match.group(2))
    values = {}
    for key in sorted(keys - IGNORED_CONTEXT_KEYS):
        values[key] = "2019-01-01" if "today" in key or "date" in key else True
    return values


def module_models(env):
    """Names of the models the module defines (not core models it extends)."""
    models = (
        env["ir.model"]
        .sudo()
        .browse(
            env["ir.model.data"]
            .sudo()
            .search([("module", "=", MODULE), ("model", "=", "ir.model")])
            .mapped("res_id")
        )
    )
    result = sorted(
        model.model
        for model in models
        if model.model in env
        and env[model.model]._original_module == MODULE
        and not env[model.model]._abstract
    )
    assert result, "no model found for the module"
    return result


def public_methods(model):
    """Public methods defined or overridden by the module's code on this model."""
    cls = type(model)
    names = set()
    for klass in cls.__mro__:
        if not getattr(klass, "__module__", "").startswith(f"odoo.addons.{MODULE}."):
            continue
        for name, value in vars(klass).items():
            if not name.startswith("_") and callable(value):
                names.add(name)
    # Core's generic writers are attacked field by field, and these too:
    names |= {"copy", "toggle_active", "action_archive", "action_unarchive"}
    names |= {"message_post", "message_subscribe"} if "message_ids" in model else set()
    return sorted(
        name
        for name in names
        if name not in READ_ONLY_METHODS and callable(getattr(cls, name, None))
    )


@tagged("post_install", "-at_install")
class TestRpcAttack(CaeExpenseCommon, CaeHttpMixin, HttpCase):
    """Portal, advisor and accountant sessions calling the ORM over JSON-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = cls.company._cae_today()
        # Something of everything for entrepreneur A and for B, made by staff.
        cls.line_a = cls._line(amount_total=20.0, spent_by_id=cls.partner_a.id)
        cls.trip_a = cls._line(
            category_id=cls.cat_mileage.id, distance_km=46.0, amount_total=0.0
        )
        cls.line_a._attach_receipts([("a.png", PNG_BYTES)])
        cls.line_b = cls._line(activity=cls.activity_b, amount_total=30.0)
        Document = cls.env["cae.activity.document"]
        for activity in cls.activity_a | cls.activity_b:
            Document.create(
                {
                    "activity_id": activity.id,
                    "type_id": cls.type_insurance.id,
                    "file": base64.b64encode(PNG_BYTES),
                    "file_name": "attestation.png",
                    "date_from": today.replace(day=1),
                    "date_until": today.replace(day=1).replace(year=today.year + 1),
                }
            )
            cls.env["cae.accompaniment"].create(
                {"activity_id": activity.id, "advisor_id": cls.advisor.id}
            )
        rule = cls.env["cae.deadline.rule"].create(
            {
                "name": "Attack rule",
                "category": "expenses",
                "recurrence": "monthly",
                "day": 5,
                "months_after": 1,
            }
        )
        rule._generate_deadlines()
        cls.context_keys = {
            **CORE_CONTEXT_KEYS,
            "allowed_company_ids": (cls.company | cls.company_2).ids,
            **module_context_keys(),
        }
        cls.models = module_models(cls.env)
        _logger.info(
            "attacking %s models with context keys %s",
            len(cls.models),
            sorted(cls.context_keys),
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _rpc(self, model, method, args, context=None):
        """Call over /web/dataset/call_kw; True when the server answered an error."""
        try:
            with mute_logger("odoo.sql_db"):
                args = json.loads(json.dumps(args, default=str))
                self.rpc(model, method, args, context)
        except JsonRpcException:
            return True
        finally:
            self.env.invalidate_all()
        return False

    def _stored_fields(self, model):
        Model = self.env[model]
        return [
            name
            for name, field in Model._fields.items()
            if field.store
            and field.type != "one2many"  # their rows are in their own model
            and name not in BOOKKEEPING_FIELDS
            and name != "id"
        ]

    def _snapshot(self, models=None):
        """A digest of every stored value of the module's records (their tables and
        many2many tables, in SQL: one query each), plus their attachments."""
        self.env.flush_all()
        self.env.invalidate_all()
        state = {}
        for model in models or self.models:
            Model = self.env[model]
            if Model._transient:
                continue
            columns = [
                name
                for name in self._stored_fields(model)
                if Model._fields[name].column_type
            ]
            state[model] = self._digest(Model._table, ["id", *columns])
            for name in self._stored_fields(model):
                field = Model._fields[name]
                if field.type == "many2many":
                    state[f"{model}.{name}"] = self._digest(
                        field.relation, [field.column1, field.column2]
                    )
        state["ir.attachment"] = self._digest(
            "ir_attachment",
            ["id", "res_model", "res_id", "res_field", "checksum"],
            SQL("res_model IN %s", tuple(self.models)),
        )
        return state

    def _digest(self, table, columns, where=None):
        self.env.cr.execute(
            SQL(
                "SELECT count(*), md5(string_agg(ROW(%s)::text, '|' ORDER BY %s))"
                " FROM %s WHERE %s",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                SQL(", ").join(SQL.identifier(column) for column in columns),
                SQL.identifier(table),
                where or SQL("TRUE"),
            )
        )
        return self.env.cr.fetchone()

    def _attack_value(self, record, name):
        """A value different from the record's, of the field's type (None: skip)."""
        field = record._fields[name]
        current = record[name]
        simple = {
            "boolean": lambda: not current,
            "integer": lambda: (current or 0) + 7,
            "float": lambda: 999.0,
            "monetary": lambda: 999.0,
            "char": lambda: "forged",
            "text": lambda: "forged",
            "html": lambda: "<p>forged</p>",
            "date": lambda: "2019-01-01",
            "datetime": lambda: "2019-01-01 00:00:00",
            "binary": lambda: "Zm9yZ2Vk",
            "one2many": lambda: [fields.Command.clear()],
        }
        if field.type in simple:
            return simple[field.type]()
        value = None
        if field.type == "selection":
            selection = record.fields_get([name])[name]["selection"]
            others = [key for key, _label in selection if key != current]
            value = others[0] if others else None
        elif field.type in ("many2one", "many2many"):
            # Prefer the newest record of the comodel: another entrepreneur's, often.
            other = (
                self.env[field.comodel_name]
                .sudo()
                .with_context(active_test=False)
                .search([("id", "not in", current.ids)], order="id desc", limit=1)
            )
            if other:
                value = other.id
                if field.type == "many2many":
                    value = [fields.Command.set(other.ids)]
        return value

    def _targets(self, model, user):
        """The newest record of the model the user may read, and the newest one they
        may not."""
        Model = self.env[model].sudo().with_context(active_test=False)
        mine = self.env[model].with_user(user).with_context(active_test=False)
        readable = mine.browse()
        if mine.has_access("read"):
            readable = mine.search([], order="id desc")
        own = readable[:1]
        # Others': a record the user may not even read.
        others = Model.search(
            [("id", "not in", readable.ids)], limit=1, order="id desc"
        )
        return own.sudo(), others

    def _assert_unchanged(self, before, what):
        after = self._snapshot([model for model in before if model in self.models])
        # One sub-test per attack: a run lists every hole, not only the first one.
        with self.subTest(attack=what):
            for model, rows in before.items():
                self.maxDiff = 2000
                self.assertEqual(
                    rows, after.get(model), f"{what} changed {model} over JSON-RPC"
                )

    def _attack(self, user, models, allowed=None):
        """Create, write every stored field, unlink and call every public method."""
        self._login(user)
        contexts = [{}, self.context_keys]
        allowed = allowed or {}
        attacked = 0
        for model in models:
            Model = self.env[model]
            if Model._transient:
                continue
            own, others = self._targets(model, user)
            # create, with nothing and with a copy of an existing record's values
            template = (own or others)[:1]
            values = {}
            if template:
                values = {
                    name: template._fields[name].convert_to_write(
                        template[name], template
                    )
                    for name in self._stored_fields(model)
                    if template._fields[name].type not in ("one2many", "binary")
                    and not template._fields[name].compute
                    and template._fields[name].type != "many2many"
                }
            for context in contexts:
                before = self._snapshot([model])
                self._rpc(model, "create", [values], context)
                self._assert_unchanged(before, f"{user.login}: {model}.create")
            for record in own | others:
                for name in self._stored_fields(model):
                    value = self._attack_value(record, name)
                    if value is None:
                        continue
                    for context in contexts:
                        before = self._snapshot([model])
                        self._rpc(model, "write", [record.ids, {name: value}], context)
                        self._assert_unchanged(
                            before, f"{user.login}: {model}.write({name})"
                        )
                        attacked += 1
                before = self._snapshot()
                self._rpc(model, "unlink", [record.ids], self.context_keys)
                self._assert_unchanged(before, f"{user.login}: {model}.unlink")
            attacked += self._attack_methods(user, model, own, others, allowed)
        return attacked

    def _attack_methods(self, user, model, own, others, allowed):
        """Every public method, on one's own records and on others' apart."""
        Model = self.env[model]
        contexts = [{}, self.context_keys]
        attacked = 0
        for method in public_methods(Model):
            is_model_method = (
                getattr(getattr(type(Model), method), "_api", None) == "model"
            )
            # Own and others' records apart: a call refused for the others'
            # must not hide what it does to one's own.
            groups = [own.browse()] if is_model_method else [own, others]
            if method in allowed.get(model, ()):
                groups = [others] if not is_model_method else []
            for targets in groups:
                if not is_model_method and not targets:
                    continue
                for context in contexts:
                    before = self._snapshot()
                    args = [] if is_model_method else [targets.ids]
                    self._rpc(model, method, args, context)
                    self._assert_unchanged(
                        before, f"{user.login}: {model}.{method}{targets.ids}"
                    )
                    attacked += 1
        return attacked

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_portal_entrepreneur_changes_nothing(self):
        """An entrepreneur's session changes nothing through the generic ORM."""
        for model in ("cae.expense.line", "cae.activity.document", "cae.deadline"):
            self.assertTrue(
                self.env[model].with_user(self.entrepreneur_a).search_count([]),
                f"the fixture gives entrepreneur A something to attack in {model}",
            )
        attacked = self._attack(
            self.entrepreneur_a,
            self.models,
            allowed=self._entrepreneur_actions(),
        )
        self.assertGreater(attacked, 100)

    def test_portal_entrepreneur_reads_only_their_own(self):
        """search_read over RPC returns nothing of entrepreneur B's activity."""
        self._login(self.entrepreneur_a)
        for model in self.models:
            Model = self.env[model]
            if Model._transient or "activity_id" not in Model._fields:
                continue
            params = {
                "model": model,
                "method": "search_read",
                "args": [[]],
                "kwargs": {"fields": ["activity_id"], "context": self.context_keys},
            }
            try:
                rows = self.make_jsonrpc_request("/web/dataset/call_kw", params)
            except JsonRpcException:
                continue
            activities = {row["activity_id"] and row["activity_id"][0] for row in rows}
            self.assertNotIn(self.activity_b.id, activities, model)

    def test_advisor_cannot_decide_expenses(self):
        """The advisor follows expenses but approves, pays or edits none of them."""
        self.line_a.report_id.sudo().action_submit()
        expense_models = [m for m in self.models if m.startswith("cae.expense")]
        # The support team may hand in the month for an entrepreneur (its own test).
        allowed = {"cae.expense.report": {"action_submit"}}
        self.assertGreater(self._attack(self.advisor, expense_models, allowed), 20)

    def test_accountant_cannot_touch_accompaniment(self):
        """The accountant has nothing to do with the accompaniment log."""
        self.assertGreater(self._attack(self.accountant, ["cae.accompaniment"]), 5)

    def _entrepreneur_actions(self):
        """The entrepreneur's own actions, each checked to exist (a renamed method
        must be renamed here too, not silently dropped from the attack)."""
        for model, methods in ENTREPRENEUR_ACTIONS.items():
            for method in methods:
                self.assertTrue(
                    callable(getattr(type(self.env[model]), method, None)),
                    f"{model}.{method}",
                )
        return ENTREPRENEUR_ACTIONS
