"""Tests that run the pages in Chromium through Playwright."""
