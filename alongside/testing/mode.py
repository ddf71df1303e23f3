"""Loaded by pytest before Django (``-p alongside.testing.mode``): selects test mode.

pytest-django imports the settings before any conftest.py runs, so the mode
has to be chosen by a plugin that pytest loads first.
"""

import os

os.environ["ALONGSIDE_MODE"] = "test"
