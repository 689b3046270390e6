from . import cae_accounting_demo
