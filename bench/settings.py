"""The production settings, with static files collected into the benchmark's scratch folder.

Production settings serve static files from a manifest that `collectstatic` writes; the
benchmark collects into a temporary folder so it leaves the checkout untouched.
"""

import os
from pathlib import Path

from marketplace.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])

if os.environ.get("BENCH_NO_CACHE") == "true":
    # The benchmark's context figure: every request counts, ranks and renders anew.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
