#!/usr/bin/env python3
"""Runs the browser tests in a fixed order (accessibility last: it judges every page the others
visited), prints each test and a summary, and exits 1 on any failure or error.

  run.py                       all tests
  run.py test_people.SignIn    only these (unittest names)
"""

import re
import sys
import time
import unittest

import harness

# Security before people: the organization it registers with markup in its name then waits in the
# admin's verification queue, which the two-factor test opens.
MODULES = ["test_public", "test_security", "test_people", "test_workspace", "test_calls_public", "test_calls", "test_accessibility"]


class Result(unittest.TextTestResult):
    """Prints how long each test took."""

    def startTest(self, test):
        self._started = time.monotonic()
        super().startTest(test)

    def _took(self):
        return f" ({time.monotonic() - self._started:.1f} s)"

    def addSuccess(self, test):
        unittest.TestResult.addSuccess(self, test)
        self.stream.write("ok" + self._took() + "\n")

    def addFailure(self, test, err):
        unittest.TestResult.addFailure(self, test, err)
        self.stream.write("FAIL" + self._took() + "\n")

    def addError(self, test, err):
        unittest.TestResult.addError(self, test, err)
        self.stream.write("ERROR" + self._took() + "\n")

    def _exc_info_to_string(self, err, test):
        # chromedriver's native stack ("#3 0x55d1... <unknown>") says nothing here.
        text = super()._exc_info_to_string(err, test)
        return "\n".join(line for line in text.splitlines()
                         if not re.match(r"^#\d+ 0x[0-9a-f]+ <unknown>$", line) and line.strip() != "Stacktrace:") + "\n"

    def addSkip(self, test, reason):
        unittest.TestResult.addSkip(self, test, reason)
        self.stream.write(f"skipped {reason!r}\n")


def main(names):
    loader = unittest.TestLoader()
    if names:
        suite = loader.loadTestsFromNames(names)
    else:
        suite = unittest.TestSuite(loader.loadTestsFromName(name) for name in MODULES)
    started = time.monotonic()
    try:
        runner = unittest.TextTestRunner(verbosity=2, resultclass=Result, stream=sys.stdout)
        result = runner.run(suite)
    finally:
        harness.quit_driver()
    failed = [(test, "FAIL") for test, _ in result.failures] + [(test, "ERROR") for test, _ in result.errors]
    passed = result.testsRun - len(failed) - len(result.skipped)
    print(f"\n{result.testsRun} browser tests in {time.monotonic() - started:.0f} s"
          f" ({len(result.errors)} of the failures are errors); {len(harness.VISITED)} pages captured"
          f" (screenshots and axe-core: {harness.CAPTURE_SECONDS[0]:.0f} s, of which axe-core {harness.AXE_SECONDS[0]:.0f} s) into {harness.SCREENSHOTS}")
    for test, kind in failed:
        print(f"  {kind}: {test.id()}")
    print(f"browser: {passed} passed, {len(failed)} failed, {len(result.skipped)} skipped")
    return 0 if result.wasSuccessful() and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
