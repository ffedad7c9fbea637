"""Chromium through Playwright against pytest-django's live server, with axe-core checks."""

import importlib
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps

from tests.services import CHROMIUM, require_chromium

# The live server runs in a thread of this process; Playwright's sync API runs an event
# loop in the test thread, so Django would otherwise refuse the tests' own ORM calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BLOCKING_IMPACTS = {"serious", "critical"}
BROWSER_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    # The hook sees the whole session's items, not only this folder's.
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright cannot download its own browser here; Debian's Chromium is used instead.
    require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": browser_type_launch_args.get("headless", True),
    }


@pytest.fixture
def reference_areas(transactional_db):
    """The areas a data migration loads; an earlier transactional test flushed them."""
    migration = importlib.import_module("explore.migrations.0002_load_areas")
    migration.load_areas(apps, schema_editor=None)


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """`assert_accessible(page)`: fail on any serious or critical axe-core violation."""

    def check(page):
        results = axe.run(page)
        blocking = [
            violation
            for violation in results.response["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        if blocking:
            pytest.fail(_describe(page.url, blocking), pytrace=False)

    return check


def _describe(url, violations):
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {_target(node)}" for node in violation["nodes"])
    return "\n".join(lines)


def _target(node):
    # A target is a CSS selector, or a list of them for elements inside frames.
    return " >> ".join(str(selector) for selector in node["target"])
