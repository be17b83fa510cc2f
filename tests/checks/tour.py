#!/usr/bin/env python3
"""tour.py - docs/tour.md and the tour tags in the source agree.

The hypervisor's comments carry tags such as "[Paging 3]": stops of a
guided tour, numbered in reading order within their chapter.  A stop
opens a file's comment or marks a decision inside a function.  This
check holds the tour to what it promises:

  - every tag in the source appears exactly once there, and the tags of
    each chapter are numbered 1, 2, 3, ... without a gap;
  - within one file, a chapter's tags appear in increasing order;
  - docs/tour.md lists every tag exactly once, each chapter in increasing
    order, and names the file that holds it in its "Where" column;
  - docs/tour.md lists no tag that the source does not have.

Prints each disagreement and exits 1 if there is any.
"""
import os
import re
import sys

SOURCE_DIRS = ["boot", "drivers", "hv", "switcher"]
TAG = re.compile(r"\[([A-Z][a-z]+) (\d+)\]")
# A tour table row: | [Chapter N] | `file` ... | what you learn |
ROW = re.compile(r"^\|\s*\[([A-Z][a-z]+) (\d+)\]\s*\|([^|]*)\|")


def source_tags(problems):
    where = {}
    for top in SOURCE_DIRS:
        for dirpath, _, names in os.walk(top):
            for name in sorted(names):
                if not re.search(r"\.(c|h|S)$", name):
                    continue
                path = os.path.join(dirpath, name)
                last = {}
                with open(path) as f:
                    for lineno, line in enumerate(f, 1):
                        for chap, num in TAG.findall(line):
                            tag, n = (chap, int(num)), int(num)
                            if tag in where:
                                problems.append(
                                    f"[{chap} {n}] is in {where[tag][0]}:"
                                    f"{where[tag][1]} and again in "
                                    f"{path}:{lineno}")
                            where.setdefault(tag, (path, lineno))
                            if n < last.get(chap, 0):
                                problems.append(
                                    f"{path}:{lineno}: [{chap} {n}] comes "
                                    f"after [{chap} {last[chap]}]: not in "
                                    "reading order")
                            last[chap] = max(n, last.get(chap, 0))
    chapters = {}
    for chap, n in where:
        chapters.setdefault(chap, []).append(n)
    for chap, nums in chapters.items():
        want = list(range(1, max(nums) + 1))
        missing = sorted(set(want) - set(nums))
        if missing:
            problems.append(f"chapter {chap}: no stop numbered "
                            + ", ".join(str(m) for m in missing))
    return where


def tour_rows(problems):
    rows = []
    with open("docs/tour.md") as f:
        for lineno, line in enumerate(f, 1):
            m = ROW.match(line)
            if m:
                rows.append((m.group(1), int(m.group(2)), m.group(3),
                             lineno))
    return rows


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "..", ".."))
    problems = []
    where = source_tags(problems)
    seen = {}
    last = {}
    for chap, n, files, lineno in tour_rows(problems):
        tag = (chap, n)
        if tag in seen:
            problems.append(f"docs/tour.md:{lineno}: [{chap} {n}] listed "
                            f"twice (also line {seen[tag]})")
            continue
        seen[tag] = lineno
        if n < last.get(chap, 0):
            problems.append(f"docs/tour.md:{lineno}: [{chap} {n}] after "
                            f"[{chap} {last[chap]}]")
        last[chap] = max(n, last.get(chap, 0))
        if tag not in where:
            problems.append(f"docs/tour.md:{lineno}: [{chap} {n}] is in no "
                            "source file")
            continue
        path = where[tag][0]
        if path not in re.findall(r"`([^`]+)`", files):
            problems.append(f"docs/tour.md:{lineno}: [{chap} {n}] is in "
                            f"{path}, which the row does not name")
    for tag, (path, lineno) in sorted(where.items()):
        if tag not in seen:
            problems.append(f"{path}:{lineno}: [{tag[0]} {tag[1]}] is not "
                            "in docs/tour.md")
    for p in problems:
        print("tour: " + p)
    if problems:
        print(f"tour: {len(problems)} problem(s)")
        return 1
    print(f"tour: ok ({len(where)} stops)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
