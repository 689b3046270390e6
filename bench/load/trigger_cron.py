"""Have the cron worker run the deadline generation now and every ``--every``
seconds for ``--seconds`` (``make load``: the generation runs during the rush)."""

import os
import sys
from datetime import timedelta

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import benchlib


def add_arguments(parser):
    parser.add_argument("--every", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=900)


def main():
    args, odoo_argv = benchlib.parse_args(__doc__, add_arguments)
    with benchlib.odoo_env(odoo_argv) as env:
        cron = env.ref("gestions_radieuses.ir_cron_cae_deadline_generate")
        now = env.cr.now()
        cron._trigger(
            at=[
                now + timedelta(seconds=second)
                for second in range(0, args.seconds, args.every)
            ]
        )
        env.cr.commit()


if __name__ == "__main__":
    main()
