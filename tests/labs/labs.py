#!/usr/bin/env python3
"""labs.py - the course labs (docs/labs/README.md), and running their tests.

    labs.py list                 every lab: name, hours, title
    labs.py check LAB [DIR]      run LAB's tests in the tree DIR (default:
                                 this one); exit 0 if they all pass
    labs.py handout-fails LAB    make LAB's handout in a temporary
                                 directory, build it, and check that its
                                 tests fail there, for the lab's reason

A lab's tests are QEMU tests (tests/qemu/NAME.test), so `make check`
runs them on the full tree like any other.  What `make check` adds for
the labs (tests/run-all.sh) is the other direction: each handout builds,
boots, and fails its test with the line the lab page tells the student
to expect (`why` below), not merely any failure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# name: (title, hours a student should expect, tests, why).  `why` is a
# regular expression that the failing test's output or log must match on
# the handout.
LABS = {
    "hypercall": (
        "Add a hypercall: GUEST_STATS, both sides", "3-4",
        ["guest-hvstats", "guest-hvstats-outside"],
        r"hvstats: FAIL: the hypervisor counted nothing"),
    "shadow-bug": (
        "Bug hunt in the shadow page tables", "2-4",
        ["guest-kmap"],
        r"guest: kmap: pid [0-9]+ saw .* FAIL \(stale\)"),
    "virtio-notes": (
        "A new virtio device on both sides: notes", "6-8",
        ["guest-notes"],
        r"guest: notes: FAIL: no notes device"),
    "weights": (
        "Weighted scheduling between guests", "3-5",
        ["sched-weights"],
        r"FAIL: shares heavy [0-9]+, light [0-9]+ .*not 1\.8x to 5x"),
    "call-gate": (
        "Attack and defence: a call gate into ring 0", "4-6",
        ["guest-gdt-ring0"],
        r"guest: gdt-ring0: EXPLOITED: ran in ring 0 \(CS 0x50\)"),
}


def names():
    return set(LABS)


def run_tests(lab, tree, quiet=False, prebuilt=False):
    """Run lab's tests in tree (prebuilt: its build is done, run-test.sh
    must not make anything); returns (all passed, their output)."""
    out, ok = [], True
    env = dict(os.environ, HV_PREBUILT="1") if prebuilt else None
    for test in LABS[lab][2]:
        path = os.path.join(tree, "tests", "qemu", test + ".test")
        r = subprocess.run(["nice", os.path.join(tree, "tests", "qemu",
                                                 "run-test.sh"), path],
                           capture_output=True, text=True, env=env)
        out.append(r.stdout + r.stderr)
        if not quiet:
            sys.stdout.write(r.stdout + r.stderr)
        ok = ok and r.returncode == 0
    return ok, "".join(out)


# What of this tree's build a handout may reuse: the objects and images of
# the hypervisor and the guests (not the ISOs, the tests' logs or the
# disk images, which are quick to make and large to copy), and newlib's
# headers and libc.a with its stamp (paravirt-guest/guest.mk), not its
# sources and objects: without them each handout would build newlib again.
NO_IMAGES = shutil.ignore_patterns("*.img")
SEED_DIRS = {"obj": NO_IMAGES, "guest": NO_IMAGES,
             os.path.join("tests", "guest"): NO_IMAGES,
             "newlib": lambda d, names: [n for n in names
                                         if n in ("src", "obj") and
                                         os.path.basename(d) == "newlib"]}


def seed_build(tree):
    """Copy this tree's objects into tree's build/, times kept: the
    handout's files are this tree's with their times kept too (handout.py
    copies them so), so make rebuilds only what the lab's stripping
    changed, and what depends on it."""
    src = os.path.join(TOP, "build")
    if not os.path.isfile(os.path.join(src, "hv.elf")):
        return
    for d, skip in SEED_DIRS.items():
        if os.path.isdir(os.path.join(src, d)):
            shutil.copytree(os.path.join(src, d),
                            os.path.join(tree, "build", d), ignore=skip)
    for name in os.listdir(src):
        path = os.path.join(src, name)
        if os.path.isfile(path) and not name.endswith(".iso"):
            shutil.copy2(path, os.path.join(tree, "build", name))


def build(tree):
    """The targets the lab tests boot, built once, two jobs at a time."""
    r = subprocess.run(["make", "-s", "-j2", "-C", tree, "build/hv.elf",
                        "guest-images", "test-guest-images"],
                       capture_output=True, text=True)
    return r.returncode == 0, r.stdout + r.stderr


def logs(tree, lab):
    text = ""
    for test in LABS[lab][2]:
        try:
            with open(os.path.join(tree, "build", "tests", test + ".log"),
                      errors="replace") as f:
                text += f.read()
        except OSError:
            pass
    return text


def handout_fails(lab):
    """True if lab's handout builds and fails its tests for its reason."""
    why = LABS[lab][3]
    tmp = tempfile.mkdtemp(prefix=f"hv-lab-{lab}-")
    try:
        dest = os.path.join(tmp, "hv")
        r = subprocess.run([sys.executable,
                            os.path.join(TOP, "tests", "labs", "handout.py"),
                            lab, dest], capture_output=True, text=True)
        if r.returncode:
            print(f"FAIL lab/{lab}: no handout: {r.stderr.strip()}")
            return False
        seed_build(dest)
        ok, text = build(dest)
        if not ok:
            print(f"FAIL lab/{lab}: the handout does not build")
            print("     " + "\n     ".join(text.splitlines()[-15:]))
            return False
        passed, out = run_tests(lab, dest, quiet=True, prebuilt=True)
        if passed:
            print(f"FAIL lab/{lab}: its tests pass on the handout: the "
                  f"solution was not taken out")
            return False
        if not re.search(why, out + logs(dest, lab)):
            print(f"FAIL lab/{lab}: the handout fails, but not with "
                  f"/{why}/:")
            print("     " + "\n     ".join(out.splitlines()[-10:]))
            return False
        print(f"PASS lab/{lab}: the handout builds, boots and fails its "
              f"test as the lab says")
        return True
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    args = sys.argv[1:]
    if args == ["list"]:
        for name, (title, hours, tests, _) in LABS.items():
            print(f"{name:12} {hours:>4} h  {title}  "
                  f"(docs/labs/{name}.md; {', '.join(tests)})")
        return 0
    if len(args) in (2, 3) and args[0] == "check" and args[1] in LABS:
        tree = os.path.abspath(args[2]) if len(args) == 3 else TOP
        ok, _ = run_tests(args[1], tree)
        print(f"lab {args[1]}: {'passed' if ok else 'NOT passed yet'}")
        return 0 if ok else 1
    if len(args) == 2 and args[0] == "handout-fails" and args[1] in LABS:
        return 0 if handout_fails(args[1]) else 1
    if len(args) >= 2 and args[1] not in LABS:
        print(f"no lab named '{args[1]}'; make lab-list", file=sys.stderr)
        return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
