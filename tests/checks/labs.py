#!/usr/bin/env python3
"""labs.py - the course labs are whole: markers, pages, tests.

For every lab tests/labs/labs.py lists:

  - docs/labs/NAME.md exists, and docs/labs/README.md names it with its
    hours;
  - each of its tests is a QEMU test, tests/qemu/NAME.test (so that
    `make check` runs it on the full tree, where it must pass);
  - the tree has at least one solution region for it.

Every solution marker in the tree (tests/labs/handout.py describes
them) is balanced and names a lab that exists.  And the rules of the
handout script itself, on small examples: a region with and without a
HANDOUT block, indentation kept, other labs' regions left alone, and
each kind of broken marker refused.

Prints each problem and exits 1 if there is any; "labs: ok" otherwise.
That the handouts really fail their tests is a slower thing, done by
tests/run-all.sh (tests/labs/labs.py handout-fails).
"""
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "labs"))
import handout  # noqa: E402
import labs  # noqa: E402

# A function with lab one's region (which has a HANDOUT block), then a
# region of lab two's (which has none); stripping either lab leaves the
# other's region as it is.
ONE_REGION = """int f(void)
{
\t/* LAB one: BEGIN SOLUTION */
\treturn 1;
\t/* LAB one: HANDOUT
\t * if (x)
\t *\treturn 0;
\t */
\t/* LAB one: END */
}
"""
ONE_STRIPPED = """int f(void)
{
\tif (x)
\t\treturn 0;
}
"""
TWO_REGION = """/* LAB two: BEGIN SOLUTION */
int g;
/* LAB two: END */
"""
EXAMPLE = ONE_REGION + TWO_REGION
EXAMPLE_ONE = ONE_STRIPPED + TWO_REGION
EXAMPLE_TWO = ONE_REGION

BROKEN = {
    "END without BEGIN": "/* LAB one: END */\n",
    "never ends": "/* LAB one: BEGIN SOLUTION */\nint x;\n",
    "nested": ("/* LAB one: BEGIN SOLUTION */\n"
               "/* LAB two: BEGIN SOLUTION */\n"
               "/* LAB two: END */\n/* LAB one: END */\n"),
    "END of another lab": ("/* LAB one: BEGIN SOLUTION */\n"
                           "/* LAB two: END */\n"),
    "HANDOUT outside": "/* LAB one: HANDOUT\n * x\n */\n",
    "HANDOUT never closed": ("/* LAB one: BEGIN SOLUTION */\n"
                             "/* LAB one: HANDOUT\n * x\n"),
    "code after HANDOUT": ("/* LAB one: BEGIN SOLUTION */\n"
                           "/* LAB one: HANDOUT\n * x\n */\nint y;\n"
                           "/* LAB one: END */\n"),
    "misspelt": "/* LAB one: BEGIN */\n",
    "not alone on its line": "int x; /* LAB one: END */\n",
}


def check_rules(problems):
    def expect(name, got, want):
        if got != want:
            problems.append(f"handout.py rule '{name}': got\n{got!r}\n"
                            f"wanted\n{want!r}")

    expect("strip one", handout.strip(EXAMPLE, "one"), EXAMPLE_ONE)
    expect("strip two", handout.strip(EXAMPLE, "two"), EXAMPLE_TWO)
    expect("strip none", handout.strip(EXAMPLE, "three"), EXAMPLE)
    expect("regions", [r[0] for r in handout.regions(EXAMPLE)],
           ["one", "two"])
    for name, text in BROKEN.items():
        try:
            handout.regions(text)
        except handout.MarkerError:
            continue
        problems.append(f"handout.py accepts a broken marker: {name}")


def check_tree(problems):
    index_path = os.path.join(TOP, "docs", "labs", "README.md")
    index = open(index_path).read() if os.path.exists(index_path) else ""
    if not index:
        problems.append("docs/labs/README.md is missing")
    seen = {}
    files = handout.tree_files(TOP)
    for name, text in handout.marked_files(TOP, files):
        try:
            for region in handout.regions(text, name):
                seen.setdefault(region[0], []).append(name)
                if region[0] not in labs.LABS:
                    problems.append(f"{name}:{region[1] + 1}: a region "
                                    f"of lab '{region[0]}', which "
                                    f"tests/labs/labs.py does not list")
        except handout.MarkerError as e:
            problems.append(str(e))
    for lab, (title, hours, tests, _) in labs.LABS.items():
        page = f"docs/labs/{lab}.md"
        if not os.path.exists(os.path.join(TOP, page)):
            problems.append(f"lab {lab}: no page {page}")
        if f"({lab}.md)" not in index or hours not in index:
            problems.append(f"lab {lab}: docs/labs/README.md does not "
                            f"link {lab}.md with its hours ({hours})")
        for test in tests:
            if not os.path.exists(os.path.join(TOP, "tests", "qemu",
                                               test + ".test")):
                problems.append(f"lab {lab}: no test tests/qemu/"
                                f"{test}.test")
        if lab not in seen and lab != handout.handout_of(TOP):
            problems.append(f"lab {lab}: no solution region in the tree")


def main():
    problems = []
    check_rules(problems)
    check_tree(problems)
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"labs: ok ({len(labs.LABS)} labs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
