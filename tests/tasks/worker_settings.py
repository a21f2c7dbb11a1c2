"""Settings of the worker process that tests/tasks/test_worker.py starts: the project's own,
plus the folder its file-based mail backend writes to (a setting the environment does not
reach, as no deployment needs it)."""

import os

from config.settings import *  # noqa: F403 (the project's settings, as a worker loads them)

EMAIL_FILE_PATH = os.environ["NORTHSTAR_TEST_MAIL_DIR"]
