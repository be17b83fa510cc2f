#!/usr/bin/env python3
"""handout.py LAB DEST - the student's tree for one lab (docs/labs/).

Copies the files git knows (tracked, and new ones not ignored) to DEST,
then takes out that one lab's solution.  A solution region in a C or
assembly file reads, in the real source:

    /* LAB name: BEGIN SOLUTION */
    ... the lab's answer: real code of the full tree ...
    /* LAB name: HANDOUT
     * ... optional: what the handout has instead ...
     */
    /* LAB name: END */

In the handout the whole region, markers included, becomes the HANDOUT
lines (their " * " leader taken off, the marker's indentation kept), or
nothing.  Every other lab's regions are left as they are.  The file
tests/labs/HANDOUT in DEST names the lab.  Each marker
is a line of its own; a region is never nested in another, and a HANDOUT
block only ever sits inside one, right before its END.

Any marker out of place (an END without a BEGIN, a region left open, a
lab that tests/labs/labs.py does not list, a line that looks like a
marker but is not one) stops the script with the file and line: a
handout built from a broken tree would teach the wrong thing.

Also a module: tests/checks/labs.py uses regions() and strip() to check
the whole tree, and tests their rules on small examples.
"""
import os
import re
import shutil
import subprocess
import sys

EXTS = (".c", ".h", ".S")
HANDOUT_MARK = "tests/labs/HANDOUT"
MARKER = re.compile(
    r"^(?P<indent>\s*)/\* LAB (?P<lab>[a-z][a-z0-9-]*): "
    r"(?P<kind>BEGIN SOLUTION \*/|HANDOUT|END \*/)\s*$")
LOOSE = re.compile(r"/\*\s*LAB\b")


class MarkerError(Exception):
    pass


def regions(text, path="<text>"):
    """The regions of text: a list of (lab, begin, handout, end) line
    indices (handout is None without a HANDOUT block).  Raises
    MarkerError on any marker out of place."""
    lines = text.split("\n")
    found = []
    open_region = None  # [lab, begin, handout, indent]
    in_handout = False
    for i, line in enumerate(lines):
        where = f"{path}:{i + 1}"
        if in_handout:
            if line.strip() == "*/":
                in_handout = False
                continue
            if not line.startswith(open_region[3] + " *"):
                raise MarkerError(f"{where}: a HANDOUT line must start "
                                  f"with ' * ' under its marker")
            if LOOSE.search(line):
                raise MarkerError(f"{where}: a marker inside a HANDOUT "
                                  f"block")
            continue
        m = MARKER.match(line)
        if not m:
            if LOOSE.search(line):
                raise MarkerError(f"{where}: not a lab marker: "
                                  f"{line.strip()}")
            continue
        lab, kind = m.group("lab"), m.group("kind")
        if kind.startswith("BEGIN"):
            if open_region:
                raise MarkerError(f"{where}: BEGIN inside the region of "
                                  f"lab {open_region[0]} (line "
                                  f"{open_region[1] + 1})")
            open_region = [lab, i, None, m.group("indent")]
        elif not open_region or open_region[0] != lab:
            raise MarkerError(f"{where}: {kind.split()[0]} for lab {lab} "
                              f"outside its region")
        elif kind == "HANDOUT":
            if open_region[2] is not None:
                raise MarkerError(f"{where}: a second HANDOUT block")
            open_region[2] = i
            in_handout = True
        else:
            if (open_region[2] is not None and
                    lines[i - 1].strip() != "*/"):
                raise MarkerError(f"{where}: code between a HANDOUT "
                                  f"block and END")
            found.append((lab, open_region[1], open_region[2], i))
            open_region = None
    if in_handout:
        raise MarkerError(f"{path}: HANDOUT block of lab {open_region[0]} "
                          f"never closed")
    if open_region:
        raise MarkerError(f"{path}:{open_region[1] + 1}: region of lab "
                          f"{open_region[0]} never ends")
    return found


def strip(text, lab, path="<text>"):
    """text with lab's regions replaced by their HANDOUT lines."""
    lines = text.split("\n")
    out, at = [], 0
    for name, begin, handout, end in regions(text, path):
        if name != lab:
            continue
        out.extend(lines[at:begin])
        if handout is not None:
            indent = MARKER.match(lines[handout]).group("indent")
            for line in lines[handout + 1:end - 1]:
                rest = line[len(indent) + 2:]
                out.append(indent + (rest[1:] if rest.startswith(" ")
                                     else rest))
        at = end + 1
    out.extend(lines[at:])
    return "\n".join(out)


def handout_of(top):
    """The lab top is the handout of, or None for the full tree."""
    try:
        with open(os.path.join(top, HANDOUT_MARK)) as f:
            return f.read().strip()
    except OSError:
        return None


def tree_files(top):
    """The files git knows in top: tracked, and new ones not ignored.
    Outside a git checkout (an unpacked tarball), every file but build/."""
    try:
        names = subprocess.run(
            ["git", "-C", top, "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"],
            check=True, capture_output=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        names = []
        for dirpath, dirs, files in os.walk(top):
            rel = os.path.relpath(dirpath, top)
            dirs[:] = [d for d in dirs
                       if not (rel == "." and d in ("build", ".git"))]
            names += [os.path.normpath(os.path.join(rel, f)) for f in files]
    return sorted({n for n in names
                   if n and os.path.isfile(os.path.join(top, n))})


def marked_files(top, files):
    for name in files:
        if name.endswith(EXTS):
            with open(os.path.join(top, name), encoding="utf-8",
                      errors="replace") as f:
                yield name, f.read()


def make_handout(top, lab, dest, known):
    if lab not in known:
        raise MarkerError(f"no lab named '{lab}' (make lab-list)")
    if os.path.exists(dest) and os.listdir(dest):
        raise MarkerError(f"{dest} exists and is not empty")
    files = tree_files(top)
    texts = dict(marked_files(top, files))
    changed = 0
    for name, text in texts.items():
        for region in regions(text, name):
            if region[0] not in known:
                raise MarkerError(f"{name}:{region[1] + 1}: unknown lab "
                                  f"'{region[0]}'")
    for name in files:
        target = os.path.join(dest, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if name in texts:
            new = strip(texts[name], lab, name)
            if new != texts[name]:
                changed += 1
                with open(target, "w", encoding="utf-8") as f:
                    f.write(new)
                shutil.copymode(os.path.join(top, name), target)
                continue
        shutil.copy2(os.path.join(top, name), target, follow_symlinks=False)
    if not changed:
        raise MarkerError(f"lab {lab} has no solution region in the tree")
    # Says which lab this tree is the handout of: its own checks then
    # expect that lab's regions gone (tests/checks/labs.py, run-all.sh).
    with open(os.path.join(dest, HANDOUT_MARK), "w") as f:
        f.write(lab + "\n")
    return changed


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import labs  # noqa: E402  (the list of labs, beside this file)

    if len(sys.argv) != 3:
        sys.exit("usage: handout.py LAB DEST")
    top = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    lab, dest = sys.argv[1], sys.argv[2]
    try:
        n = make_handout(top, lab, dest, labs.names())
    except MarkerError as e:
        sys.exit(f"handout: {e}")
    print(f"handout: lab {lab} in {dest} ({n} files with the solution "
          f"taken out); see docs/labs/{lab}.md")


if __name__ == "__main__":
    main()
