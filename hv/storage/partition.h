/*
 * partition.h - MBR and GPT partition tables, read defensively.
 *
 * Pure: the tables come through a read callback, so the same code parses
 * a real disk at boot, crafted images in the unit tests
 * (tests/unit/test_partition.c) and anything at all under the fuzzer
 * (tests/fuzz/fuzz_partition.c).  A disk's contents are hostile input: a
 * table that does not parse, or that describes partitions outside the
 * disk or overlapping each other, is refused with the reason.
 */
#ifndef HV_STORAGE_PARTITION_H
#define HV_STORAGE_PARTITION_H

#include "hv/lib/lib.h"

#define PART_MAX 32	  /* partitions kept from one table */
#define PART_LABEL_MAX 37 /* a GPT name (36 UTF-16 units) as ASCII + NUL */

enum part_scheme { PART_NONE, PART_MBR, PART_GPT };

struct partition {
	unsigned number;    /* as in sata0p2: MBR 1-4 primary (the slot),
				5+ logical (in chain order); GPT the entry's
				index + 1.  An MBR's extended partition is a
				container, not kept: its number is unused. */
	uint64_t first_lba; /* in the disk's sectors */
	uint64_t sectors;
	uint8_t mbr_type;	    /* MBR only */
	uint8_t type_guid[16];	    /* GPT only, as stored (mixed-endian) */
	uint8_t uuid[16];	    /* GPT only: the unique partition GUID */
	char label[PART_LABEL_MAX]; /* GPT only; printable ASCII kept, any
				       other character as one '?' */
};

struct partition_table {
	enum part_scheme scheme;
	unsigned n;
	struct partition part[PART_MAX];
};

/* Read `count` sectors from `lba` into buf; false on an I/O error. */
typedef bool (*part_read_fn)(void *ctx, uint64_t lba, uint32_t count,
			     void *buf);

/*
 * Parse the table of a disk of `sectors` sectors of `sector_size` bytes
 * (512 or 4096).  `scratch` is at least PART_SCRATCH bytes the reader may
 * fill (at boot it is DMA-able memory); no read is larger, and none goes
 * past the disk's last sector.
 *
 * True with *t filled, or with scheme PART_NONE and n 0 for a disk with
 * no table: no 0x55AA at the end of LBA 0, or a sector with 0x55AA whose
 * entries' status bytes are not 0x00/0x80 (a boot sector of a volume
 * filling the whole disk; said in `note`).  An MBR with a type 0xEE
 * entry is read as GPT.  False, with the reason in err, for a table that
 * does not parse, a read that fails, or partitions that leave the disk
 * (GPT: the usable LBAs) or overlap each other; *t is then empty and
 * `note` "".
 *
 * A GPT whose primary copy is damaged (its header invalid, a CRC wrong, a
 * read failed) is read from its backup at the disk's last LBA, and that
 * is said in `note`.  A GPT that is intact but describes impossible
 * partitions is refused without looking at the backup: that is a copy of
 * the same mistake, or an older table.
 *
 * More partitions than PART_MAX are not an error: the first PART_MAX are
 * kept, and `note` names the first one left out.  (An MBR's chain of
 * logical partitions is not followed further.)  `note` is "" when there
 * is nothing to say; several notes are joined with "; ".
 */
#define PART_SCRATCH 16384u
bool __must_check partition_parse(uint64_t sectors, uint32_t sector_size,
				  part_read_fn read, void *ctx, void *scratch,
				  struct partition_table *t, char *err,
				  size_t errlen, char *note, size_t notelen);

/* A GUID's text, exactly 36 characters of 8-4-4-4-12 hex digits in
 * either case (what follows "uuid:" in a disk name; s need not be
 * NUL-terminated), to the 16 bytes GPT stores (the first three fields
 * little-endian); false, with out untouched, if it is not one.  And back:
 * lower case, NUL-terminated, 37 bytes. */
bool __must_check part_parse_guid(const char *s, size_t len, uint8_t out[16]);
void part_format_guid(const uint8_t g[16], char out[37]);

#endif
