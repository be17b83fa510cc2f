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
	unsigned number;    /* as in sata0p2: MBR 1-4 primary, 5+ logical;
				GPT the entry's index + 1 */
	uint64_t first_lba; /* in the disk's sectors */
	uint64_t sectors;
	uint8_t mbr_type;	    /* MBR only */
	uint8_t type_guid[16];	    /* GPT only, as stored (mixed-endian) */
	uint8_t uuid[16];	    /* GPT only: the unique partition GUID */
	char label[PART_LABEL_MAX]; /* GPT only; non-ASCII units as '?' */
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
 * fill (at boot it is DMA-able memory).  True with *t filled (scheme
 * PART_NONE, n 0, for a disk with no table); false with the reason in err.
 * A GPT whose primary header or entries are damaged is read from its
 * backup at the end of the disk, and that is said in `note` (or "").
 */
#define PART_SCRATCH 16384u
bool __must_check partition_parse(uint64_t sectors, uint32_t sector_size,
				  part_read_fn read, void *ctx, void *scratch,
				  struct partition_table *t, char *err,
				  size_t errlen, char *note, size_t notelen);

/* "uuid:" text (8-4-4-4-12 hex digits, either case) to the 16 bytes GPT
 * stores; false if it is not one.  And back, lower case, 37 bytes. */
bool __must_check part_parse_guid(const char *s, size_t len, uint8_t out[16]);
void part_format_guid(const uint8_t g[16], char out[37]);

#endif
