#!/usr/bin/env python3
"""layout.py - the include rules of docs/architecture.md, checked.

Every folder of the hypervisor is a room with a rank; a file may include
headers of its own room and of rooms ranked below it, never above.  So
includes point one way and no two rooms include each other.  Prints each
broken rule and exits 1 if there is any; prints "layout: ok" otherwise.
"""
import os
import re
import sys

# Lowest first: the order in which the rooms may depend on one another.
ROOMS = [
    "hv/include",  # hardware facts and the guest ABI: includes no project header
    "hv/lib",      # string, format, printk, the console multiplexer
    "drivers",     # the hypervisor's own hardware
    "switcher",    # the pages that change worlds
    "hv/setup",    # boot-time parsers and the guest loader
    "hv/machine",  # CPU, interrupt lines, time, power, panic
    "hv/guest",    # struct guest and its guest-physical memory doors
    "hv/mm",       # page allocator, host paging, shadow page tables
    "hv/storage",  # the machine's disks: partitions, who may use what
    "hv/net",      # the switches, and the network cards as their uplinks
    "hv/virtio",   # virtio-pci transport, virtqueues, console, block
    "hv/dev",      # a guest's PCI bus, MMIO and port emulation
    "hv/core",     # creating, running and scheduling guests
    "hv",          # main.c: the boot sequence that strings it all together
    "boot",        # _start, which jumps to hv_main
]
RANK = {room: i for i, room in enumerate(ROOMS)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def room_of(path):
    d = os.path.dirname(path)
    return d if d in RANK else None


def includes_under(top):
    """(path, included header) for every C or assembly file under top."""
    for dirpath, _, names in os.walk(top):
        for name in sorted(names):
            if not re.search(r"\.(c|h|S)$", name):
                continue
            path = os.path.join(dirpath, name)
            with open(path) as f:
                text = f.read()
            for inc in INCLUDE.findall(text):
                yield path, inc


# Our guest is a separate program: of the hypervisor it may know only the
# ABI they share (lguest.h, and the requests of the notes device, ABI
# 11.14), and the teaching kernel knows nothing of its tests.
GUEST_MAY_INCLUDE = {"hv/include/lguest.h", "hv/include/virtio_notes.h"}


def guest_rules():
    bad = []
    for top in ("paravirt-guest", "tests/guest"):
        for path, inc in includes_under(top):
            if inc.startswith("hv/") and inc not in GUEST_MAY_INCLUDE:
                bad.append(f"{path}: includes {inc}: a guest may "
                           "include only the shared ABI headers")
            if top == "paravirt-guest" and inc.startswith("tests/"):
                bad.append(f"{path}: includes {inc}: the teaching "
                           "kernel includes no test code")
    return bad


# hv.efi (boot/efi/) is a separate program too, a 64-bit EFI application
# that loads the hypervisor: of the hypervisor it may know only the
# Multiboot2 layouts they both speak, and nothing of any other room.
EFI_LOADER = "boot/efi"
EFI_MAY_INCLUDE = {"hv/include/multiboot2.h"}


def efi_rules():
    bad = []
    for path, inc in includes_under(EFI_LOADER):
        if inc not in EFI_MAY_INCLUDE and not inc.startswith(EFI_LOADER + "/"):
            bad.append(f"{path}: includes {inc}: hv.efi may include only "
                       "its own headers and hv/include/multiboot2.h")
    return bad


def main():
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    os.chdir(top)
    bad = []
    for room in ROOMS:
        for name in sorted(os.listdir(room)):
            path = os.path.join(room, name)
            if not re.search(r"\.(c|h|S)$", name):
                continue
            with open(path) as f:
                text = f.read()
            for inc in INCLUDE.findall(text):
                if not os.path.exists(inc):
                    bad.append(f"{path}: includes {inc}, which does not exist "
                               "(headers are named from the top of the tree)")
                    continue
                target = room_of(inc)
                if target is None:
                    bad.append(f"{path}: includes {inc}, outside every room")
                elif RANK[target] > RANK[room]:
                    bad.append(f"{path}: includes {inc}: {room} may not "
                               f"depend on {target}, which is above it")
    bad += guest_rules()
    bad += efi_rules()
    for line in bad:
        print("layout: " + line)
    if bad:
        print(f"layout: {len(bad)} broken include rule(s); the order of the "
              "rooms is in tests/checks/layout.py and docs/architecture.md")
        return 1
    print("layout: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
