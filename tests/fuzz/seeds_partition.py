#!/usr/bin/env python3
"""seeds_partition.py - hand-made seed disks for fuzz_partition.c.

Writes tests/fuzz/corpus/partition/seed-*: an MBR with primary and
logical partitions, GPTs on 512- and 4096-byte sectors (two partitions,
"linux" and "data"), one whose primary header is damaged, one whose
read of the primary entries fails, one the harness reseals, one with 40
partitions (more than PART_MAX), and a 4096-byte-sector MBR.  Each is
in the target's input format (see its header comment): a 7-byte header,
then the disk's first bytes and its last ones.  The CRCs are zlib's, not
the parser's.  Run once to start a corpus; after a fuzz-merge the seeds
live on under SHA-1 names like every other input.
"""
import os
import struct
import uuid
import zlib

OUT = os.path.join(os.path.dirname(__file__), "corpus", "partition")


def fuzz_input(sector_size, sectors, head, tail=b"", fail_read=0,
               reseal=False):
    flags = (1 if sector_size == 4096 else 0) | reseal << 1 | fail_read << 2
    return struct.pack("<BIH", flags, sectors, len(head)) + head + tail


def mbr_entry(ptype, first, count):
    return struct.pack("<B3sB3sII", 0, b"", ptype, b"", first, count)


def boot_record(entries, size=512):
    s = bytearray(size)
    for i, e in enumerate(entries):
        s[446 + 16 * i:462 + 16 * i] = e
    s[510:512] = b"\x55\xaa"
    return bytes(s)


def gpt_entry(type_guid, part_uuid, first, last, name):
    return (uuid.UUID(type_guid).bytes_le + uuid.UUID(part_uuid).bytes_le +
            struct.pack("<QQQ", first, last, 0) +
            name.encode("utf-16-le").ljust(72, b"\0"))


LINUX_FS = "0fc63daf-8483-4772-8e79-3d69d8477de4"
BASIC_DATA = "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7"


def gpt_header(my_lba, alternate, first, last, entries_lba, num, entries):
    fields = [b"EFI PART", 0x00010000, 92, 0, 0, my_lba, alternate, first,
              last, uuid.UUID("d1d2d3d4-0001-0002-0304-05060708090a").bytes_le,
              entries_lba, num, 128, zlib.crc32(entries)]
    fmt = "<8sIIIIQQQQ16sQIII"
    fields[3] = zlib.crc32(struct.pack(fmt, *fields))
    return struct.pack(fmt, *fields)


def gpt_disk(ss, sectors, make_entries, num=4):
    """Protective MBR, both headers and both arrays of `num` entries of
    128 bytes; make_entries(first_usable, last_usable) gives the used
    ones.  Returns the disk's head and tail, as fuzz_input takes them."""
    last = sectors - 1
    array_sectors = (num * 128 + ss - 1) // ss
    first_usable = 2 + array_sectors
    last_usable = last - 1 - array_sectors
    entries = make_entries(first_usable, last_usable).ljust(num * 128, b"\0")
    mbr = boot_record([mbr_entry(0xEE, 1, last)], ss)
    primary = gpt_header(1, last, first_usable, last_usable, 2, num, entries)
    backup = gpt_header(last, 1, first_usable, last_usable,
                        last - array_sectors, num, entries)
    padded = entries.ljust(array_sectors * ss, b"\0")
    return mbr + primary.ljust(ss, b"\0") + entries, padded + backup


def linux_and_data(first, last):
    half = (last - first + 1) // 2
    return (gpt_entry(LINUX_FS, "6b9a3e1c-2d4f-4a8b-9c1d-0e2f3a4b5c6d",
                      first, first + half - 1, "linux") +
            gpt_entry(BASIC_DATA, "a1b2c3d4-e5f6-4711-8899-aabbccddeeff",
                      first + half, last, "data"))


def forty(first, last):
    return b"".join(gpt_entry(LINUX_FS, "6b9a3e1c-2d4f-4a8b-9c1d-0e2f3a4b5c%02x"
                              % i, first + i, first + i, "p%d" % (i + 1))
                    for i in range(40))


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = {}

    # Primaries 1 and 3, extended 2 (LBA 2-91) with EBRs at 2 and 5.
    mbr = boot_record([mbr_entry(0x83, 100, 50), mbr_entry(0x0F, 2, 90),
                       mbr_entry(0x07, 150, 50)])
    ebr1 = boot_record([mbr_entry(0x83, 1, 2), mbr_entry(0x05, 3, 11)])
    ebr2 = boot_record([mbr_entry(0x83, 1, 10)])
    seeds["mbr-extended"] = fuzz_input(
        512, 200, mbr + bytes(512) + ebr1 + bytes(1024) + ebr2)
    seeds["mbr-4096"] = fuzz_input(
        4096, 100, boot_record([mbr_entry(0x83, 1, 49)]))

    head, tail = gpt_disk(512, 64, linux_and_data)
    seeds["gpt-512"] = fuzz_input(512, 64, head, tail)
    broken = bytearray(head)
    broken[512 + 16] ^= 0xFF  # the primary header's CRC
    seeds["gpt-512-backup"] = fuzz_input(512, 64, bytes(broken), tail)
    seeds["gpt-512-read-fails"] = fuzz_input(512, 64, head, tail, 3)
    # The harness rewrites the CRCs: mutations get past them.
    seeds["gpt-512-resealed"] = fuzz_input(512, 64, head, tail, reseal=True)
    head, tail = gpt_disk(4096, 16, linux_and_data)
    seeds["gpt-4096"] = fuzz_input(4096, 16, head, tail)
    # More used entries than PART_MAX keeps.
    head, tail = gpt_disk(512, 100, forty, 40)
    seeds["gpt-512-forty"] = fuzz_input(512, 100, head, tail)

    for name, data in seeds.items():
        with open(os.path.join(OUT, "seed-" + name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
