"""The browser of the web site's tests (headless Chromium), for the static site's."""

from tests.web.test_browser import browser  # noqa: F401
