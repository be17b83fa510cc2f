#!/usr/bin/env python3
"""abi_citations.py - every citation of the guest ABI names a section of it.

The code cites docs/lguest-guest-abi.md by number: "ABI 8.10", "ABI
section 11.4", "ABI sections 9.1, 9.2, 9.4", "ABI 11.1-11.3", "ABI §11.6",
"lguest ABI (section 7)", "ABI Appendix A item 5".  Each number N must be
a heading "## N." and each N.M a heading "### N.M" of that document, and
each appendix letter X a heading "## Appendix X.".

Bare citations count too: "section 9.4" or "§9.5" without "ABI" is the
ABI's in this tree, unless the words just before it, in the same
sentence, name another document ("virtio 1.0", "the SDM (Vol. 2",
"Multiboot2 spec", "the ACPI spec's", the boot protocol, ...); and a
number with two dots ("virtio 1.0 §4.1.4.7") is never the ABI's.  In the
ABI document itself, "§N" is a cross-reference and is checked the same
way.

Scanned: .c .h .S .sh .ld .mk .test and .md files under hv/ drivers/
switcher/ boot/ paravirt-guest/ tests/ docs/ iso/, and README.md.  A
citation may run over a line break and a comment leader (" * ", "# ").

Prints each citation that names no section and exits 1 if there is any;
prints "abi_citations: ok" otherwise.  With --list, prints every
citation found, explicit ("abi") or bare, and whether it resolves.
"""
import os
import re
import sys

ABI_DOC = "docs/lguest-guest-abi.md"
ROOTS = ["hv", "drivers", "switcher", "boot", "paravirt-guest", "tests",
         "docs", "iso"]
FILES = ["README.md"]
EXTS = (".c", ".h", ".S", ".sh", ".ld", ".mk", ".test", ".md")
SKIP = {"tests/checks"}  # the checks' own descriptions of the forms

NUM = r"\d+(?:\.\d+)?"
# Between the words of a citation: spaces, a line break, a comment leader.
SP = r"(?:\s|\n\s*(?:\*|#|//|;)?)+"
OPT = rf"(?:{SP})?"
SEC = rf"(?:[Ss]ections?{SP}|§{OPT})"
# A later number of a list ends the list or the clause, so that "ABI 6,
# 20 bytes" cites 6 and not 20.
LIST = (rf"(?P<nums>{NUM}(?:{OPT}(?:,|-|–|{SP}and|{SP}or|{SP}to){OPT}"
        rf"(?:{SEC})?{NUM}(?=[\s*]*(?:[),;:\]]|\.(?!\d)|$|and\b|or\b)))*)")
EXPLICIT = re.compile(
    rf"\bABI{SP}(?:\({OPT}{SEC}|{SEC})?{LIST}(?![\w.]*\d)|"
    rf"\bABI{SP}[Aa]ppendix{SP}(?P<app>[A-Z])\b")
BARE = re.compile(rf"(?<![\w.]){SEC}{LIST}(?![\w.]*\d)")
# Words that, just before a bare "section N", say it is another document's.
# ("virtio" or "ACPI" alone is not enough: the ABI's own sections are about
# virtio devices and ACPI; "virtio 1.0" is the virtio specification.)
OTHER_DOC = re.compile(
    r"virtio 1\.\d|\bspec\b|\bspec's|specification|SDM|Vol\.|Multiboot|"
    r"RFC|boot protocol|manual|PCI Local Bus|\.section", re.I)
LOOKBACK = 60


def headings(path):
    secs, apps = set(), set()
    with open(path) as f:
        for line in f:
            m = re.match(r"^##\s+(\d+)\.\s", line)
            if m:
                secs.add(m.group(1))
            m = re.match(r"^###\s+(\d+\.\d+)\s", line)
            if m:
                secs.add(m.group(1))
            m = re.match(r"^##\s+Appendix\s+([A-Z])\.", line)
            if m:
                apps.add(m.group(1))
    return secs, apps


def numbers(nums):
    """The section numbers of "9.1, 9.2 and 9.4" or "11.1-11.3"."""
    return re.findall(NUM, nums)


def files(top):
    for name in FILES:
        if os.path.exists(os.path.join(top, name)):
            yield name
    for root in ROOTS:
        for d, dirs, names in os.walk(os.path.join(top, root)):
            rel = os.path.relpath(d, top)
            dirs[:] = sorted(x for x in dirs
                             if os.path.join(rel, x) not in SKIP)
            for name in sorted(names):
                if name.endswith(EXTS):
                    yield os.path.join(rel, name)


def other_doc_before(text, start):
    before = text[max(0, start - LOOKBACK):start]
    # Only this sentence: after the last full stop that ends one.
    ends = [m.end() for m in re.finditer(r"\.\s+(?=[A-Z])|;", before)]
    if ends:
        before = before[ends[-1]:]
    return OTHER_DOC.search(before)


def citations(text):
    """(line, citation text, numbers, appendix letters, kind)."""
    taken = []
    for m in EXPLICIT.finditer(text):
        taken.append((m.start(), m.end()))
        nums = numbers(m.group("nums")) if m.group("nums") else []
        apps = [m.group("app")] if m.group("app") else []
        yield m.start(), m.group(0), nums, apps, "abi"
    for m in BARE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if other_doc_before(text, m.start()):
            continue
        yield m.start(), m.group(0), numbers(m.group("nums")), [], "bare"


def main():
    top = os.path.normpath(os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    listing = "--list" in sys.argv[1:]
    doc = os.path.join(top, ABI_DOC)
    if not os.path.exists(doc):
        print(f"abi_citations: {ABI_DOC} is missing")
        return 1
    secs, apps = headings(doc)
    bad = 0
    counts = {"abi": 0, "bare": 0}
    for path in files(top):
        with open(os.path.join(top, path), errors="replace") as f:
            text = f.read()
        for start, cite, nums, letters, kind in citations(text):
            line = text.count("\n", 0, start) + 1
            cite = " ".join(re.sub(r"\n\s*(\*|#|//|;)?", " ", cite).split())
            missing = [n for n in nums if n not in secs] + \
                      [f"Appendix {a}" for a in letters if a not in apps]
            counts[kind] += 1
            if listing:
                state = "BROKEN" if missing else "ok"
                print(f"{kind:4} {state:6} {path}:{line}: {cite}")
            if missing:
                bad += 1
                print(f"abi_citations: {path}:{line}: \"{cite}\" names no "
                      f"section of {ABI_DOC} ({', '.join(missing)})")
    if listing:
        print(f"abi_citations: {counts['abi']} citations saying ABI, "
              f"{counts['bare']} bare")
    if bad:
        print(f"abi_citations: {bad} citation(s) name no section; the "
              f"sections are the \"## N.\" and \"### N.M\" headings of "
              f"{ABI_DOC}, whose numbering is fixed")
        return 1
    print("abi_citations: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
