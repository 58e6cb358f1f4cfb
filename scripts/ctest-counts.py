#!/usr/bin/env python3
"""Counts the unit test cases of one ctest run, for scripts/test.

Usage: scripts/ctest-counts.py CTEST_LOG XML_DIR

CTEST_LOG is ctest's output (--output-on-failure); XML_DIR is where each GoogleTest binary wrote
its report (GTEST_OUTPUT=xml:XML_DIR/ gives XML_DIR/<binary>.xml; every such binary is the ctest
test of the same name). A ctest test with a report counts its test cases: passed, failed (a
<failure> child) and skipped (result="skipped", <skipped>, or not run). A ctest test without one
(testplan_references_resolve and the other add_test checks) counts 1, by ctest's verdict (skipped
if ctest did not run it). A binary that crashed or timed out writes no report: it counts the cases
its output shows passed or failed, plus 1 failed for the case it died in. One that wrote a report
with no failing case but failed all the same (a leak found at exit, a failing SetUpTestSuite)
counts 1 failed more.

Prints "PASSED FAILED SKIPPED", then a line of skip reasons (maybe empty), then the failures:
one line naming each failed case or binary, each followed by a few indented lines of detail.
"""
import collections
import os
import re
import sys
import xml.etree.ElementTree as ET

DETAIL_LINES = 6  # of each failure message
MAX_FAILURES = 20  # cases named; the rest are counted

RESULT = re.compile(r"^\s*\d+/\d+ Test\s+#\d+: (\S+) ")
STARTED = re.compile(r"^\s*Start\s+\d+: ")
TOTALS = re.compile(r"^\d+% tests passed, ")
LISTED = re.compile(r"^\s*\d+ - (\S+) \((.*)\)\s*$")
RUN = re.compile(r"^\[ RUN      \] (\S+)")
ENDED = re.compile(r"^\[ +(OK|FAILED|SKIPPED) +\] (\S+?),? ")


def ctest_results(log_lines):
    """Names of the tests ctest ran, in its order; those it lists failed and not run, with the
    reason; each failed test's output."""
    names, failed, not_run, output = [], {}, {}, collections.defaultdict(list)
    block, current = None, None
    for line in log_lines:
        m = RESULT.match(line)
        if m:
            current = m.group(1)
            names.append(current)
            continue
        if STARTED.match(line) or TOTALS.match(line):
            current = None
        if line.startswith("The following tests FAILED:"):
            block = failed
            continue
        if line.startswith("The following tests did not run:"):
            block = not_run
            continue
        if block is not None:
            m = LISTED.match(line)
            if m:
                block[m.group(1)] = m.group(2)
                continue
            if line.strip():
                block = None
        if current is not None:
            output[current].append(line)
    return names, failed, not_run, output


def detail(text):
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    return ["    " + line for line in lines[:DETAIL_LINES]]


def read_report(path, binary):
    """(passed, failed cases with their detail, skip reasons) from one gtest XML report, or None
    if there is none or it does not parse."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    passed, failed, skipped = 0, [], []
    for suite, case in ((s, c) for s in root.iter("testsuite") for c in s.iter("testcase")):
        name = f"{case.get('classname') or suite.get('name')}.{case.get('name')} ({binary})"
        failures = case.findall("failure") + case.findall("error")
        if failures:
            text = "\n".join(f.text or f.get("message", "") for f in failures)
            failed.append((name, detail(text)))
        elif case.get("status") == "notrun" or case.get("result") in ("skipped", "suppressed") \
                or case.find("skipped") is not None:
            node = case.find("skipped")
            if node is None:
                skipped.append("disabled")
                continue
            # "file:line", then the reason given to GTEST_SKIP, if any.
            lines = node.get("message", "").strip().splitlines()[1:]
            skipped.append(" ".join(lines) or "no reason given")
        else:
            passed += 1
    return passed, failed, skipped


def died_in(output):
    """(passed, failed cases, last case started and not ended) from a binary's console output."""
    passed, failed, current = 0, [], None
    for line in output:
        m = RUN.match(line)
        if m:
            current = m.group(1)
            continue
        m = ENDED.match(line)
        if m and m.group(2) == current:
            if m.group(1) == "OK":
                passed += 1
            elif m.group(1) == "FAILED":
                failed.append(current)
            current = None
    return passed, failed, current


def last_words(output, outside_cases=False, died=None):
    """The lines that best say why a test failed: a sanitizer's SUMMARY; with outside_cases, a
    failure outside the cases (in SetUpTestSuite: gtest 1.12 then reports the cases skipped, not
    failed); or else the last few lines (of those the case it died in printed)."""
    lines = [line.rstrip() for line in output if line.strip()]
    if died and f"[ RUN      ] {died}" in lines:
        lines = lines[len(lines) - lines[::-1].index(f"[ RUN      ] {died}"):]
    said = []
    for i, line in enumerate(lines):
        if "SUMMARY: " in line or (outside_cases and "SetUpTestSuite or" in line):
            said.append(line)
        elif outside_cases and line.endswith(": Failure"):
            said += lines[i:i + 3]
    return ["    " + line for line in (said[:DETAIL_LINES] or lines[-4:])]


def main():
    log_path, xml_dir = sys.argv[1], sys.argv[2]
    with open(log_path, errors="replace") as f:
        names, failed_tests, not_run, output = ctest_results(f.read().splitlines())
    passed, failed, skipped = 0, 0, []
    failures = []  # (name, detail lines)
    for name in names:
        verdict = failed_tests.get(name)
        if name in not_run:
            skipped.append(f"{name} {not_run[name].lower()}")
            continue
        report = read_report(os.path.join(xml_dir, name + ".xml"), name)
        if report is not None:
            p, f, s = report
            passed += p
            failed += len(f)
            skipped += s
            failures += f
            if verdict and not f:
                failed += 1
                failures.append((f"{name} ({verdict}): no case failed in its report, the binary "
                                 "did outside them (a suite's setup? a leak found at exit?)",
                                 last_words(output[name], outside_cases=True)))
        elif verdict:
            # Not a GoogleTest binary, or one that died: count what its output shows.
            p, f, died = died_in(output[name])
            passed += p
            failed += len(f) + 1
            failures += [(f"{case} ({name})", []) for case in f]
            where = f" in {died}" if died else ""
            not_counted = ", its later cases not run" if died else ""
            failures.append((f"{name} ({verdict}{where}){not_counted}",
                             last_words(output[name], died=died)))
        else:
            passed += 1
    print(passed, failed, len(skipped))
    reasons = collections.Counter(skipped).most_common(3)
    print(";".join(f"{n}x {reason}" for reason, n in reasons))
    for name, lines in failures[:MAX_FAILURES]:
        print(name)
        for line in lines:
            print(line)
    if len(failures) > MAX_FAILURES:
        print(f"... and {len(failures) - MAX_FAILURES} more failures (see the log)")


if __name__ == "__main__":
    main()
