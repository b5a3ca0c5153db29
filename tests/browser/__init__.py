"""End-to-end tests: a real headless Chromium calls the test project across origins."""
