#!/usr/bin/env python3
"""docs.py - the docs name only what exists.

Every path and every identifier a document writes in backquotes must be
in the tree, so that a file that moves or a function that is renamed
cannot leave a page pointing at nothing.  The documents are docs/*.md,
README.md and paravirt-guest/README.md.  Fenced (```) and indented code
blocks are skipped: they show commands and output, not references.

A backquoted token is read as follows.

* A path: it contains "/" or ends in .c .h .S .sh .md .ld .test .py .mk.
  It must name a file or folder of the tree, relative to the top of the
  tree or to the document's folder; a trailing "/" is allowed, "*" and
  "<name>" placeholders are globbed, and "file.c:func" checks both
  halves.  A bare file name ("shadow.c") may live anywhere in the tree.
  Paths under build/ (made by make), absolute paths and ~ paths (the host's
  or the guest's files) are not ours and are skipped.
* An identifier: "name()" or "name(args)", "struct name" (also union,
  enum), or a bare name with an underscore ("hv_main", "LHCALL_SET_PTE").
  It must occur as a word in the tree's sources: .c .h .S .sh .ld .mk .py
  .test .def files and Makefiles.  Other words ("hlt", "hvc0") are
  prose.
* Anything else is skipped: commands and phrases (a token with a space,
  unless it is "struct name", a call, or starts with a path), options
  ("-m", "key=value"), numbers and hex values.

docs/lguest-guest-abi.md and docs/linux-guest.md describe the Linux guest,
so most of what they quote is Linux's (`lguest_entry`, `boot_params`,
`arch/x86/lguest/boot.c`).  In those two only paths of this tree are
checked: ones that start with a top-level folder of the tree, start with
"." or end in .md.  Linux 4.9 also has a drivers/ folder at its top; ours is
flat, so drivers/<folder>/... there is Linux's.

Markdown links [text](target) to local files are checked as paths,
relative to the document's folder.

Prints each broken reference and exits 1 if there is any; prints
"docs: ok" otherwise.
"""
import glob
import os
import re
import sys

DOCS = ["README.md", "paravirt-guest/README.md"]  # plus docs/*.md
LINUX_DOCS = {"docs/lguest-guest-abi.md", "docs/linux-guest.md"}
PATH_EXT = (".c", ".h", ".S", ".sh", ".md", ".ld", ".test", ".py", ".mk")
SOURCE_EXT = (".c", ".h", ".S", ".sh", ".ld", ".mk", ".py", ".test", ".def")
SKIP_DIRS = {".git", "build"}
# Folders at the top of the Linux 4.9 tree; where one is also ours, a
# Linux doc's path below it is ours only if its next part exists here.
LINUX_TOP = {"arch", "block", "certs", "crypto", "Documentation", "drivers",
             "firmware", "fs", "include", "init", "ipc", "kernel", "lib",
             "mm", "net", "samples", "scripts", "security", "sound", "tools",
             "usr", "virt"}
# Tokens that name something on purpose that is not in the tree.  Each
# needs a reason.
ALLOW = {
    # QEMU's own functions, named in a profile of QEMU (performance.md).
    "tcg_flush_jmp_cache": "QEMU",
    "tlb_set_page_full": "QEMU",
}

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
CALL = re.compile(rf"^({IDENT})\(.*\)$", re.S)
TAGGED = re.compile(rf"^(struct|union|enum)\s+({IDENT})$")
BARE = re.compile(rf"^{IDENT}$")
NUMBER = re.compile(r"^[-+]?(0x[0-9A-Fa-f]+|[0-9][0-9.,]*[A-Za-z]*)$")
KEYVAL = re.compile(r"^[A-Za-z_][\w.-]*=")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")
FIELDS = re.compile(rf"^{IDENT}((\.|->){IDENT})+$")


def strip_code_blocks(lines):
    """The lines with fenced and indented code blocks blanked out, so
    that line numbers stay right."""
    out, fenced, indented, prev_blank = [], False, False, True
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
            out.append("")
            continue
        if fenced:
            out.append("")
            continue
        blank = not line.strip()
        if indented and not blank and not line.startswith("    "):
            indented = False
        if not indented and prev_blank and line.startswith("    ") and \
                not blank:
            indented = True
        out.append("" if indented else line)
        prev_blank = blank
    return out


def code_spans(text):
    """(line number, token) for every `inline code` span, which may run
    over a line break."""
    for m in re.finditer(r"(`+)(.+?)\1", text, re.S):
        token = " ".join(m.group(2).split())
        yield text.count("\n", 0, m.start()) + 1, token


def source_words(top, skip):
    words = set()
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in files:
            path = os.path.join(root, name)
            if os.path.relpath(path, top) in skip:
                continue
            if not (name.endswith(SOURCE_EXT) or name == "Makefile" or
                    name.startswith("Makefile.")):
                continue
            with open(path, errors="replace") as f:
                words.update(re.findall(IDENT, f.read()))
    return words


def all_basenames(top):
    names = set()
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        names.update(files)
        names.update(dirs)
    return names


class Checker:
    def __init__(self, top):
        self.top = top
        here = os.path.relpath(os.path.abspath(__file__), top)
        others = os.path.join(os.path.dirname(here), "abi_citations.py")
        self.words = source_words(top, {here, others})
        self.basenames = all_basenames(top)
        self.topdirs = {d for d in os.listdir(top)
                        if os.path.isdir(os.path.join(top, d))
                        and d not in SKIP_DIRS and not d.startswith(".")}

    def inside(self, path):
        """In the tree, and not in what the build or git made."""
        real = os.path.realpath(path)
        top = os.path.realpath(self.top)
        if real == top:
            return True
        if not real.startswith(top + os.sep):
            return False
        return os.path.relpath(real, top).split(os.sep)[0] not in SKIP_DIRS

    def path_exists(self, token, docdir):
        p = token.rstrip("/")
        if not p:
            return True
        p = re.sub(r"<[^<>]*>", "*", p)
        if "/" not in p and p in self.basenames:
            return True  # a bare name, somewhere in the tree
        for base in (self.top, os.path.join(self.top, docdir)):
            full = os.path.normpath(os.path.join(base, p))
            if not self.inside(full):
                continue
            if any(ch in p for ch in "*?["):
                if any(self.inside(g) for g in glob.glob(full)):
                    return True
            elif os.path.exists(full):
                return True
        # "qemu/*.test" in the row of a table about tests/: the tail of a
        # path of the tree.
        if not p.startswith("."):
            return any(self.inside(g) for g in glob.glob(
                os.path.join(self.top, "**", p), recursive=True))
        return False

    def is_ours(self, token):
        """In a Linux doc: does this path name something of this tree?"""
        if token.startswith(".") or token.endswith(".md"):
            return True
        parts = token.split("/")
        if parts[0] not in self.topdirs or len(parts) < 2:
            return False
        if parts[0] in LINUX_TOP and "." not in parts[1]:
            return os.path.exists(os.path.join(self.top, parts[0],
                                               parts[1]))
        return True

    @staticmethod
    def looks_like_path(token):
        return "/" in token or token.endswith(PATH_EXT)

    def check_token(self, token, docdir, linux):
        """None if the token is fine or not a reference; else the part
        of it that names nothing."""
        if token in ALLOW:
            return None
        if token.startswith(("-", "/", "~", "$")) or KEYVAL.match(token) \
                or NUMBER.match(token):
            return None
        if " " in token:
            m = TAGGED.match(token)
            if m:
                if linux:
                    return None
                ok = re.search(rf"\b{m.group(1)}\s+{m.group(2)}\b",
                               self.tagged_text())
                return None if ok else token
            m = CALL.match(token)
            if m and not linux:
                return None if self.known(m.group(1)) else token
            first = token.split()[0]
            if self.looks_like_path(first) and first != token and \
                    not first.startswith(("-", "/", "~")):
                return self.check_token(first, docdir, linux)
            return None
        if ":" in token and not token.startswith(("http:", "https:")):
            path, _, name = token.partition(":")
            name = name[:-2] if name.endswith("()") else name
            if self.looks_like_path(path) and BARE.match(name):
                bad = self.check_token(path, docdir, linux)
                if bad or linux:
                    return bad
                return None if self.known(name) else token
        if re.match(r"^\.\w+$", token):
            return None  # an extension in prose: "a `.test` file"
        if FIELDS.match(token) and not token.endswith(PATH_EXT) and \
                not linux:
            parts = re.split(r"\.|->", token)
            bad = [p for p in parts if "_" in p and not self.known(p)]
            return token if bad else None
        if self.looks_like_path(token):
            if token.startswith("build/") or "://" in token:
                return None
            if linux and not self.is_ours(token):
                return None
            if not re.match(r"^[\w.*<>/+-]+$", token):
                return None  # prose with a slash: "read/write", "a|b/c"
            return None if self.path_exists(token, docdir) else token
        if linux:
            return None
        m = CALL.match(token)
        if m:
            return None if self.known(m.group(1)) else token
        if BARE.match(token) and "_" in token and not token.endswith("_") \
                and len(token.strip("_")) > 1:
            return None if self.known(token) else token
        return None

    def known(self, name):
        """A word of the sources.  Hypercalls are named without their
        LHCALL_ prefix, as the ABI document names them (`SET_PTE`)."""
        return name in self.words or "LHCALL_" + name in self.words

    _tagged = None

    def tagged_text(self):
        if self._tagged is None:
            chunks = []
            for root, dirs, files in os.walk(self.top):
                dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
                for name in files:
                    if name.endswith((".c", ".h")):
                        with open(os.path.join(root, name),
                                  errors="replace") as f:
                            chunks.append(f.read())
            self._tagged = "\n".join(chunks)
        return self._tagged

    def check_doc(self, doc):
        with open(os.path.join(self.top, doc)) as f:
            lines = strip_code_blocks(f.read().split("\n"))
        text = "\n".join(lines)
        docdir = os.path.dirname(doc)
        linux = doc in LINUX_DOCS
        bad = []
        for lineno, token in code_spans(text):
            miss = self.check_token(token, docdir, linux)
            if miss:
                bad.append((lineno, miss))
        for lineno, line in enumerate(lines, 1):
            for target in LINK.findall(line.replace("`", "")):
                target = target.split("#")[0]
                if not target or re.match(r"^[a-z]+:", target):
                    continue
                full = os.path.normpath(os.path.join(self.top, docdir,
                                                     target))
                if not (self.inside(full) and os.path.exists(full)):
                    bad.append((lineno, target))
        return bad


def main():
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    top = os.path.normpath(top)
    checker = Checker(top)
    docs = sorted(os.path.relpath(p, top)
                  for p in glob.glob(os.path.join(top, "docs", "*.md")))
    docs += [d for d in DOCS if os.path.exists(os.path.join(top, d))]
    found = 0
    for doc in docs:
        for lineno, token in checker.check_doc(doc):
            print(f"docs: {doc}:{lineno}: `{token}` names nothing in the "
                  "tree")
            found += 1
    if found:
        print(f"docs: {found} broken reference(s); the rules are at the top "
              "of tests/checks/docs.py")
        return 1
    print("docs: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
