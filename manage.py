#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "union_site.settings")
    # A checkout where neither DEBUG nor SECRET_KEY is set is a developer's: its commands run
    # as development does. The web server (union_site/wsgi.py) never comes through here, so a
    # site served without DEBUG=true stays out of debug and refuses to start without a secret.
    if "DEBUG" not in os.environ and "SECRET_KEY" not in os.environ:
        os.environ["DEBUG"] = "true"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
