"""The web site's browser (headless Chromium) and hostile recap, for the static site's
tests."""

from tests.web.conftest import hostile  # noqa: F401
from tests.web.test_browser import browser  # noqa: F401
