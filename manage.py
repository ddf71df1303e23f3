#!/usr/bin/env python
import os
import sys


def main():
    if sys.argv[1:2] == ["run_worker"]:
        from worker.stop_signals import stop_signals_block

        stop_signals_block()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
