#!/usr/bin/env python3
"""disk_pattern.py IMAGE START GEN - did the flushed writes reach the image?

Checks, from the host and outside QEMU, the regions tests/guest/disktest.c
writes (its comment has the layout and the pattern), at 512-byte sector
START of IMAGE (a partition's first sector, or 0), for generation GEN.
Prints what differs and exits 1, or prints a summary and exits 0.
"""
import sys

SECTOR = 512
BIG = (2048, 128)
SMALL = [(8192 + 264 * k, 8) for k in range(16)]


def pattern(sector, i, gen):
    return ((sector * 131 + i * 7 + gen * 29) ^ (sector >> 8)) & 0xFF


def expected(sector, count, gen):
    return bytes(pattern(sector + s, i, gen)
                 for s in range(count) for i in range(SECTOR))


def main():
    image, start, gen = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    bad = []
    with open(image, "rb") as f:
        for sector, count in [BIG] + SMALL:
            f.seek((start + sector) * SECTOR)
            if f.read(count * SECTOR) != expected(sector, count, gen):
                bad.append(sector)
    if bad:
        print(f"{image}: regions at sectors {bad} do not hold generation "
              f"{gen}")
        return 1
    print(f"{image}: all {1 + len(SMALL)} regions hold generation {gen}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
