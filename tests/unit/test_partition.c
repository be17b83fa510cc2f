/*
 * test_partition.c - partition_parse on disk images built byte by byte in
 * memory: no table, MBRs with primary and logical partitions, protective
 * MBRs with GPTs good and damaged, on 512- and 4096-byte sectors; and the
 * CRC-32 they depend on.
 *
 * The image is a heap block of exactly sectors * sector_size bytes and
 * the scratch one of exactly PART_SCRATCH, so AddressSanitizer sees a byte
 * read or written past either; the read callback also fails the test if
 * it is asked for anything outside the disk or larger than the scratch.
 *
 * The images' CRCs come from ref_crc32 below, not from the crc32_ieee
 * under test: a second implementation written the other way round
 * (most significant bit first, on bit-reversed bytes), itself checked
 * against the published check values, so a wrong crc32_ieee cannot seal
 * the very tables it then accepts.  (zlib's crc32 would be a third
 * opinion, but would make zlib a dependency of `make check`.)
 *
 * UNIT_SOURCES: hv/storage/partition.c hv/lib/parse.c hv/lib/crc32.c hv/lib/string.c hv/lib/format.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/lib/crc32.h"
#include "hv/storage/partition.h"

/* ---- The reference CRC: CRC-32/ISO-HDLC as the textbook defines it.
 * Reflecting every input byte, shifting MSB-first with 0x04C11DB7 and
 * reflecting the result is the same function as the LSB-first loop with
 * 0xEDB88320, computed a different way. */

static uint32_t reflect(uint32_t v, unsigned bits)
{
	uint32_t r = 0;

	for (unsigned i = 0; i < bits; i++)
		if (v & (1u << i))
			r |= 1u << (bits - 1 - i);
	return r;
}

static uint32_t ref_crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t reg = 0xFFFFFFFFu;

	for (size_t i = 0; i < len; i++) {
		reg ^= reflect(p[i], 8) << 24;
		for (int bit = 0; bit < 8; bit++)
			reg = reg & 0x80000000u ? reg << 1 ^ 0x04C11DB7u
						: reg << 1;
	}
	return reflect(reg, 32) ^ 0xFFFFFFFFu;
}

/* ---- A disk in memory. ---- */

struct disk {
	uint8_t *img; /* exactly sectors * ss bytes */
	uint64_t sectors;
	uint32_t ss;
	int64_t fail_lba; /* a read that includes it fails; -1: none */
	unsigned reads;
};

static struct disk *disk_new(uint64_t sectors, uint32_t ss)
{
	struct disk *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	d->img = calloc(sectors ? sectors : 1, ss);
	assert_non_null(d->img);
	d->sectors = sectors;
	d->ss = ss;
	d->fail_lba = -1;
	return d;
}

static void disk_free(struct disk *d)
{
	free(d->img);
	free(d);
}

static uint8_t *sector(struct disk *d, uint64_t lba)
{
	assert_true(lba < d->sectors);
	return d->img + lba * d->ss;
}

static bool disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct disk *d = ctx;

	/* The parser must never ask for these; it knows the disk's size. */
	assert_true(count >= 1);
	assert_true(lba < d->sectors && count <= d->sectors - lba);
	assert_true((uint64_t)count * d->ss <= PART_SCRATCH);
	d->reads++;
	if (d->fail_lba >= 0 && (uint64_t)d->fail_lba >= lba &&
	    (uint64_t)d->fail_lba < lba + count)
		return false;
	memcpy(buf, d->img + lba * d->ss, (size_t)count * d->ss);
	return true;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* ---- Running the parser. ---- */

struct result {
	struct partition_table t;
	char err[256];
	char note[256];
	bool ok;
};

static bool parse(struct disk *d, struct result *r)
{
	void *scratch = malloc(PART_SCRATCH);

	assert_non_null(scratch);
	memset(scratch, 0xCC, PART_SCRATCH);
	memset(&r->t, 0xA5, sizeof(r->t)); /* the parser must clear it */
	strcpy(r->err, "untouched");
	strcpy(r->note, "untouched");
	r->ok = partition_parse(d->sectors, d->ss, disk_read, d, scratch, &r->t,
				r->err, sizeof(r->err), r->note,
				sizeof(r->note));
	free(scratch);
	if (r->ok) {
		assert_string_equal(r->err, "");
	} else {
		assert_true(r->err[0] != 0);
		assert_string_equal(r->note, "");
		assert_int_equal(r->t.scheme, PART_NONE);
		assert_int_equal(r->t.n, 0);
	}
	return r->ok;
}

/* Partition i of the table is `number`, at first..first + sectors - 1. */
static void assert_part(const struct result *r, unsigned i, unsigned number,
			uint64_t first, uint64_t sectors)
{
	assert_true(i < r->t.n);
	assert_int_equal(r->t.part[i].number, number);
	assert_int_equal(r->t.part[i].first_lba, first);
	assert_int_equal(r->t.part[i].sectors, sectors);
}

static void assert_fails_with(struct disk *d, const char *want)
{
	struct result r;

	assert_false(parse(d, &r));
	if (!strstr(r.err, want))
		fail_msg("error \"%s\" does not say \"%s\"", r.err, want);
}

/* ---- MBR building. ---- */

static void mbr_signature(uint8_t *s)
{
	s[510] = 0x55;
	s[511] = 0xAA;
}

static void mbr_entry(uint8_t *s, unsigned slot, uint8_t type, uint32_t first,
		      uint32_t count)
{
	uint8_t *e = s + 446 + 16 * slot;

	memset(e, 0, 16);
	e[4] = type;
	put32(e + 8, first);
	put32(e + 12, count);
	mbr_signature(s);
}

/* ---- GPT building. ---- */

/* A GUID's text to its stored bytes, written apart from the parser's
 * part_parse_guid so the two check each other. */
static void guid_bytes(const char *text, uint8_t g[16])
{
	unsigned a, b, c, rest[8];

	assert_int_equal(sscanf(text, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x",
				&a, &b, &c, &rest[0], &rest[1], &rest[2],
				&rest[3], &rest[4], &rest[5], &rest[6],
				&rest[7]),
			 11);
	put32(g, a);
	put16(g + 4, (uint16_t)b);
	put16(g + 6, (uint16_t)c);
	for (int i = 0; i < 8; i++)
		g[8 + i] = (uint8_t)rest[i];
}

#define LINUX_FS "0fc63daf-8483-4772-8e79-3d69d8477de4"
#define BASIC_DATA "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7"
#define UUID_A "6b9a3e1c-2d4f-4a8b-9c1d-0e2f3a4b5c6d"
#define UUID_B "A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF"

struct tpart {
	unsigned index; /* entry slot; number = index + 1 */
	const char *type, *uuid;
	uint64_t first, last;
	const char *name; /* ASCII, written as UTF-16LE */
};

struct gpt_layout {
	uint32_t num, esize;
	uint64_t array_sectors;
	uint64_t primary_entries, backup_entries, backup_header;
	uint64_t first_usable, last_usable;
};

static uint8_t *gpt_entry_at(struct disk *d, uint64_t array_lba, uint32_t esize,
			     unsigned index)
{
	uint8_t *e = sector(d, array_lba) + (size_t)index * esize;

	assert_true(e + esize <= d->img + d->sectors * d->ss);
	return e;
}

static void gpt_write_entries(struct disk *d, const struct gpt_layout *L,
			      uint64_t array_lba, const struct tpart *p,
			      size_t n)
{
	memset(sector(d, array_lba), 0, L->array_sectors * d->ss);
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = gpt_entry_at(d, array_lba, L->esize, p[i].index);

		guid_bytes(p[i].type, e);
		guid_bytes(p[i].uuid, e + 16);
		put64(e + 32, p[i].first);
		put64(e + 40, p[i].last);
		for (size_t c = 0; p[i].name[c] && c < 36; c++)
			put16(e + 56 + 2 * c, (uint8_t)p[i].name[c]);
	}
}

/* Recompute the header's CRCs from what it says: the entry array's,
 * then its own.  Tests that break a field call this to break only that
 * field. */
static void gpt_reseal(struct disk *d, uint64_t header_lba)
{
	uint8_t *h = sector(d, header_lba);
	uint64_t array_lba = 0;
	uint32_t hsize = get32(h + 12);
	uint32_t bytes = get32(h + 80) * get32(h + 84);

	for (int i = 7; i >= 0; i--)
		array_lba = array_lba << 8 | h[72 + i];
	if (array_lba < d->sectors && bytes <= (d->sectors - array_lba) * d->ss)
		put32(h + 88, ref_crc32(sector(d, array_lba), bytes));
	put32(h + 16, 0);
	put32(h + 16, ref_crc32(h, hsize <= d->ss ? hsize : d->ss));
}

static void gpt_write_header(struct disk *d, const struct gpt_layout *L,
			     uint64_t lba, uint64_t alternate,
			     uint64_t array_lba)
{
	uint8_t *h = sector(d, lba);
	uint8_t disk_guid[16];

	memset(h, 0, d->ss);
	memcpy(h, "EFI PART", 8);
	put32(h + 8, 0x00010000);
	put32(h + 12, 92);
	put64(h + 24, lba);
	put64(h + 32, alternate);
	put64(h + 40, L->first_usable);
	put64(h + 48, L->last_usable);
	guid_bytes("d1d2d3d4-0001-0002-0304-05060708090a", disk_guid);
	memcpy(h + 56, disk_guid, 16);
	put64(h + 72, array_lba);
	put32(h + 80, L->num);
	put32(h + 84, L->esize);
	gpt_reseal(d, lba);
}

/* A protective MBR and both copies of a GPT of `num` entries of `esize`
 * bytes: primary header at LBA 1 and its array from LBA 2, backup array
 * just before the backup header at the last LBA. */
static void gpt_build(struct disk *d, uint32_t num, uint32_t esize,
		      const struct tpart *p, size_t n, struct gpt_layout *L)
{
	uint64_t last = d->sectors - 1;

	memset(L, 0, sizeof(*L));
	L->num = num;
	L->esize = esize;
	L->array_sectors = ((uint64_t)num * esize + d->ss - 1) / d->ss;
	L->primary_entries = 2;
	L->first_usable = 2 + L->array_sectors;
	L->backup_header = last;
	L->backup_entries = last - L->array_sectors;
	L->last_usable = L->backup_entries - 1;
	assert_true(L->first_usable <= L->last_usable);

	mbr_entry(sector(d, 0), 0, 0xEE, 1,
		  last > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)last);
	gpt_write_entries(d, L, L->primary_entries, p, n);
	gpt_write_entries(d, L, L->backup_entries, p, n);
	gpt_write_header(d, L, 1, last, L->primary_entries);
	gpt_write_header(d, L, last, 1, L->backup_entries);
}

static const struct tpart two_parts[] = {
	{ 0, LINUX_FS, UUID_A, 40, 99, "linux" },
	{ 2, BASIC_DATA, UUID_B, 100, 199, "data" },
};

/* The usual test disk: 256 sectors of 512 bytes, 128 entries of 128
 * bytes (32 sectors each copy), usable LBAs 34-222. */
static struct disk *gpt_disk(struct gpt_layout *L)
{
	struct disk *d = disk_new(256, 512);

	gpt_build(d, 128, 128, two_parts, 2, L);
	return d;
}

static void assert_two_parts(const struct result *r)
{
	uint8_t g[16];

	assert_int_equal(r->t.scheme, PART_GPT);
	assert_int_equal(r->t.n, 2);
	assert_part(r, 0, 1, 40, 60);
	assert_part(r, 1, 3, 100, 100);
	assert_string_equal(r->t.part[0].label, "linux");
	assert_string_equal(r->t.part[1].label, "data");
	guid_bytes(LINUX_FS, g);
	assert_memory_equal(r->t.part[0].type_guid, g, 16);
	guid_bytes(UUID_B, g);
	assert_memory_equal(r->t.part[1].uuid, g, 16);
	assert_int_equal(r->t.part[0].mbr_type, 0);
}

/* ---- CRC-32 ---- */

static void test_crc32_check_values(void **state)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";

	/* The catalogue's check value, and other published ones. */
	assert_int_equal(crc32_ieee(0, "123456789", 9), 0xCBF43926u);
	assert_int_equal(crc32_ieee(0, "", 0), 0);
	assert_int_equal(crc32_ieee(0, "a", 1), 0xE8B7BE43u);
	assert_int_equal(crc32_ieee(0, fox, strlen(fox)), 0x414FA339u);
	/* The test's own reference agrees on them. */
	assert_int_equal(ref_crc32("123456789", 9), 0xCBF43926u);
	assert_int_equal(ref_crc32("", 0), 0);
	assert_int_equal(ref_crc32("a", 1), 0xE8B7BE43u);
	assert_int_equal(ref_crc32(fox, strlen(fox)), 0x414FA339u);
}

static void test_crc32_in_pieces(void **state)
{
	uint8_t buf[1000];
	uint32_t whole;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 3));
	whole = crc32_ieee(0, buf, sizeof(buf));
	assert_int_equal(whole, ref_crc32(buf, sizeof(buf)));
	for (size_t cut = 0; cut <= sizeof(buf); cut += 37) {
		uint32_t c = crc32_ieee(0, buf, cut);

		assert_int_equal(crc32_ieee(c, buf + cut, sizeof(buf) - cut),
				 whole);
	}
}

/* ---- No table ---- */

static void test_blank_disk_has_no_table(void **state)
{
	struct disk *d = disk_new(64, 512);
	struct result r;

	assert_true(parse(d, &r));
	assert_int_equal(r.t.scheme, PART_NONE);
	assert_int_equal(r.t.n, 0);
	assert_string_equal(r.note, "");
	assert_int_equal(d->reads, 1);
	disk_free(d);
}

static void test_empty_disk_reads_nothing(void **state)
{
	struct disk *d = disk_new(0, 512);
	struct result r;

	assert_true(parse(d, &r));
	assert_int_equal(r.t.scheme, PART_NONE);
	assert_int_equal(d->reads, 0);
	disk_free(d);
}

static void test_odd_sector_size_refused(void **state)
{
	struct disk *d = disk_new(8, 1024);

	assert_fails_with(d, "1024-byte sectors are not supported");
	assert_int_equal(d->reads, 0);
	disk_free(d);
}

static void test_boot_sector_is_no_table(void **state)
{
	struct disk *d = disk_new(64, 512);
	struct result r;

	/* A FAT boot sector: 0x55AA, and code where the entries would be. */
	memset(sector(d, 0) + 446, 0x4F, 64);
	mbr_signature(sector(d, 0));
	assert_true(parse(d, &r));
	assert_int_equal(r.t.scheme, PART_NONE);
	assert_int_equal(r.t.n, 0);
	assert_non_null(strstr(r.note, "a boot sector, not a partition table"));
	disk_free(d);
}

/* ---- MBR primaries ---- */

static void test_mbr_primaries(void **state)
{
	struct disk *d = disk_new(1000, 512);
	uint8_t *s = sector(d, 0);
	struct result r;

	mbr_entry(s, 0, 0x83, 1, 99);
	mbr_entry(s, 2, 0x07, 500, 500); /* ends at the last LBA, 999 */
	mbr_entry(s, 3, 0x83, 200, 0);	 /* no sectors: empty */
	s[446] = 0x80;			 /* active: fine */
	assert_true(parse(d, &r));
	assert_int_equal(r.t.scheme, PART_MBR);
	assert_int_equal(r.t.n, 2);
	assert_part(&r, 0, 1, 1, 99);
	assert_part(&r, 1, 3, 500, 500);
	assert_int_equal(r.t.part[0].mbr_type, 0x83);
	assert_int_equal(r.t.part[1].mbr_type, 0x07);
	assert_string_equal(r.t.part[0].label, "");
	assert_string_equal(r.note, "");
	disk_free(d);
}

static void test_mbr_signature_only(void **state)
{
	struct disk *d = disk_new(16, 512);
	struct result r;

	mbr_signature(sector(d, 0));
	assert_true(parse(d, &r));
	assert_int_equal(r.t.scheme, PART_MBR);
	assert_int_equal(r.t.n, 0);
	disk_free(d);
}

static void test_mbr_past_disk_end(void **state)
{
	struct disk *d = disk_new(1000, 512);

	mbr_entry(sector(d, 0), 0, 0x83, 1, 99);
	mbr_entry(sector(d, 0), 1, 0x83, 900, 101);
	assert_fails_with(d, "partition 2 ends at LBA 1000, past the disk's "
			     "last LBA 999");
	disk_free(d);
}

static void test_mbr_huge_entry_does_not_wrap(void **state)
{
	struct disk *d = disk_new(1000, 512);

	mbr_entry(sector(d, 0), 0, 0x83, 0xFFFFFFFFu, 0xFFFFFFFFu);
	assert_fails_with(d, "partition 1 ends at LBA 8589934589");
	disk_free(d);
}

static void test_mbr_overlap(void **state)
{
	struct disk *d = disk_new(1000, 512);

	mbr_entry(sector(d, 0), 0, 0x83, 100, 101);
	mbr_entry(sector(d, 0), 1, 0x83, 200, 50);
	assert_fails_with(d, "partition 2 (LBA 200-249) overlaps partition 1 "
			     "(LBA 100-200)");
	disk_free(d);
}

static void test_mbr_partition_over_lba0(void **state)
{
	struct disk *d = disk_new(1000, 512);

	mbr_entry(sector(d, 0), 1, 0x0C, 0, 10);
	assert_fails_with(d, "partition 2 starts at LBA 0, over the MBR");
	disk_free(d);
}

static void test_mbr_read_fails(void **state)
{
	struct disk *d = disk_new(1000, 512);

	d->fail_lba = 0;
	assert_fails_with(d, "cannot read LBA 0");
	disk_free(d);
}

/* ---- MBR extended partitions ---- */

/* An EBR at `ebr`: its logical partition `rel` sectors after it, and a
 * link `next` (relative to the extended partition; 0: none). */
static void ebr(struct disk *d, uint64_t ebr_lba, uint32_t rel, uint32_t count,
		uint32_t next, uint32_t next_count)
{
	uint8_t *s = sector(d, ebr_lba);

	memset(s, 0, d->ss);
	mbr_signature(s);
	if (count)
		mbr_entry(s, 0, 0x83, rel, count);
	if (next)
		mbr_entry(s, 1, 0x05, next, next_count);
}

/* Primary 1 at 1-99; extended 2 at 100-999 holding logical partitions
 * at EBRs 100, 300 and 200, in that chain order: the last link points
 * backward on the disk, which fdisk does when it fills a gap. */
static struct disk *extended_disk(void)
{
	struct disk *d = disk_new(1000, 512);

	mbr_entry(sector(d, 0), 0, 0x83, 1, 99);
	mbr_entry(sector(d, 0), 1, 0x0F, 100, 900);
	ebr(d, 100, 1, 50, 200, 100);  /* p5: 101-150, next EBR at 300 */
	ebr(d, 300, 10, 90, 100, 100); /* p6: 310-399, next EBR at 200 */
	ebr(d, 200, 2, 98, 0, 0);      /* p7: 202-299, end */
	return d;
}

static void test_mbr_extended_chain(void **state)
{
	struct disk *d = extended_disk();
	struct result r;

	assert_true(parse(d, &r));
	assert_int_equal(r.t.scheme, PART_MBR);
	assert_int_equal(r.t.n, 4);
	assert_part(&r, 0, 1, 1, 99);
	assert_part(&r, 1, 5, 101, 50);
	assert_part(&r, 2, 6, 310, 90);
	assert_part(&r, 3, 7, 202, 98);
	disk_free(d);
}

static void test_mbr_ebr_empty_logical_skipped(void **state)
{
	struct disk *d = extended_disk();
	struct result r;

	ebr(d, 100, 0, 0, 200, 100); /* no logical here, still a link */
	assert_true(parse(d, &r));
	assert_int_equal(r.t.n, 3);
	assert_part(&r, 1, 5, 310, 90);
	assert_part(&r, 2, 6, 202, 98);
	disk_free(d);
}

static void test_mbr_ebr_loop(void **state)
{
	struct disk *d = extended_disk();

	/* Back to the first EBR: offset 0 in the extended partition. */
	mbr_entry(sector(d, 200), 1, 0x05, 0, 100);
	assert_fails_with(d, "the EBR at LBA 200 links back to the EBR at LBA "
			     "100: the chain loops");
	disk_free(d);
}

static void test_mbr_ebr_self_link(void **state)
{
	struct disk *d = extended_disk();

	ebr(d, 300, 10, 90, 200, 100); /* 300 links to itself */
	assert_fails_with(d, "the EBR at LBA 300 links back to the EBR at LBA "
			     "300");
	disk_free(d);
}

static void test_mbr_ebr_link_outside(void **state)
{
	struct disk *d = extended_disk();

	ebr(d, 300, 10, 90, 900, 100); /* 100 + 900 = 1000: past the end */
	assert_fails_with(d, "the EBR at LBA 300 links to LBA 1000, outside "
			     "the extended partition 2 (LBA 100-999)");
	disk_free(d);
}

static void test_mbr_logical_past_extended(void **state)
{
	struct disk *d = extended_disk();

	ebr(d, 200, 2, 799, 0, 0); /* 202 + 799 - 1 = 1000 */
	assert_fails_with(d, "partition 7 (LBA 202-1000) runs past the end of "
			     "the extended partition 2 (LBA 100-999)");
	disk_free(d);
}

static void test_mbr_logical_covers_ebr(void **state)
{
	struct disk *d = extended_disk();

	ebr(d, 100, 1, 250, 200, 100); /* p5 101-350 covers EBR 300 */
	assert_fails_with(d, "the EBR at LBA 300 lies inside partition 5 (LBA "
			     "101-350)");
	disk_free(d);

	d = extended_disk();
	ebr(d, 200, 2, 150, 0, 0); /* p7 202-351 covers EBR 300, read before */
	assert_fails_with(d, "partition 7 (LBA 202-351) covers the EBR at LBA "
			     "300");
	disk_free(d);
}

static void test_mbr_logical_on_its_ebr(void **state)
{
	struct disk *d = extended_disk();

	ebr(d, 300, 0, 90, 100, 100);
	assert_fails_with(d, "partition 6 starts at LBA 300, on its own EBR");
	disk_free(d);
}

static void test_mbr_logicals_overlap(void **state)
{
	struct disk *d = extended_disk();

	ebr(d, 200, 2, 98, 0, 0);
	ebr(d, 300, 10, 90, 100, 100);
	ebr(d, 100, 150, 40, 200, 100); /* p5: 250-289 overlaps p7 */
	assert_fails_with(d, "partition 7 (LBA 202-299) overlaps partition 5 "
			     "(LBA 250-289)");
	disk_free(d);
}

static void test_mbr_ebr_without_signature(void **state)
{
	struct disk *d = extended_disk();

	sector(d, 300)[511] = 0;
	assert_fails_with(d, "the EBR at LBA 300 has no 0x55AA signature");
	disk_free(d);
}

static void test_mbr_ebr_bad_link_type(void **state)
{
	struct disk *d = extended_disk();

	sector(d, 100)[446 + 16 + 4] = 0x83;
	assert_fails_with(d, "links to the next one with type 0x83");
	disk_free(d);
}

static void test_mbr_two_extended(void **state)
{
	struct disk *d = extended_disk();

	mbr_entry(sector(d, 0), 3, 0x05, 50, 10);
	assert_fails_with(d, "partitions 2 and 4 are both extended");
	disk_free(d);
}

static void test_mbr_primary_overlaps_extended(void **state)
{
	struct disk *d = extended_disk();

	mbr_entry(sector(d, 0), 2, 0x83, 950, 50);
	assert_fails_with(d, "partition 3 (LBA 950-999) overlaps the extended "
			     "partition 2 (LBA 100-999)");
	disk_free(d);
}

static void test_mbr_ebr_read_fails(void **state)
{
	struct disk *d = extended_disk();

	d->fail_lba = 300;
	assert_fails_with(d, "cannot read LBA 300");
	disk_free(d);
}

/* A chain of 40 logical partitions, one every 10 sectors: the first
 * PART_MAX - 1 are kept beside the primary, the rest noted. */
static void test_mbr_too_many_logicals(void **state)
{
	struct disk *d = disk_new(1000, 512);
	struct result r;

	mbr_entry(sector(d, 0), 0, 0x83, 1, 9);
	mbr_entry(sector(d, 0), 1, 0x05, 10, 400);
	for (unsigned i = 0; i < 40; i++)
		ebr(d, 10 + 10 * i, 1, 9, i < 39 ? 10 * (i + 1) : 0, 10);
	assert_true(parse(d, &r));
	assert_int_equal(r.t.n, PART_MAX);
	assert_part(&r, PART_MAX - 1, 5 + PART_MAX - 2, 10 + 10 * 30 + 1, 9);
	assert_string_equal(r.note, "more than 32 partitions: partition 36 "
				    "and any after it are ignored");
	disk_free(d);
}

/* Empty EBRs linked forward without end: bounded. */
static void test_mbr_endless_empty_chain(void **state)
{
	struct disk *d = disk_new(1000, 512);

	mbr_entry(sector(d, 0), 0, 0x05, 1, 999);
	for (unsigned i = 0; i < 999; i++)
		ebr(d, 1 + i, 0, 0, i < 998 ? i + 1 : 0, 1);
	assert_fails_with(d, "the extended partition 1 has more than 64 EBRs");
	disk_free(d);
}

/* ---- GPT ---- */

static void test_gpt_two_partitions(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);
	struct result r;
	char text[37];
	uint8_t back[16];

	assert_true(parse(d, &r));
	assert_two_parts(&r);
	assert_string_equal(r.note, "");

	/* The unique GUIDs as text and back. */
	part_format_guid(r.t.part[0].uuid, text);
	assert_string_equal(text, UUID_A);
	assert_true(part_parse_guid(text, strlen(text), back));
	assert_memory_equal(back, r.t.part[0].uuid, 16);
	part_format_guid(r.t.part[1].uuid, text);
	assert_string_equal(text, "a1b2c3d4-e5f6-4711-8899-aabbccddeeff");
	assert_true(part_parse_guid(UUID_B, strlen(UUID_B), back));
	assert_memory_equal(back, r.t.part[1].uuid, 16);
	disk_free(d);
}

static void test_gpt_type_guid_byte_order(void **state)
{
	/* The Linux filesystem type as GPT stores it: the first three
	 * fields byte-swapped, the last two as written. */
	static const uint8_t stored[16] = { 0xAF, 0x3D, 0xC6, 0x0F, 0x83, 0x84,
					    0x72, 0x47, 0x8E, 0x79, 0x3D, 0x69,
					    0xD8, 0x47, 0x7D, 0xE4 };
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);
	struct result r;
	uint8_t g[16];
	char text[37];

	assert_true(parse(d, &r));
	assert_memory_equal(r.t.part[0].type_guid, stored, 16);
	assert_true(part_parse_guid(LINUX_FS, 36, g));
	assert_memory_equal(g, stored, 16);
	part_format_guid(stored, text);
	assert_string_equal(text, LINUX_FS);
	disk_free(d);
}

static void test_gpt_primary_header_crc_bad(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);
	struct result r;

	sector(d, 1)[48] ^= 1; /* last usable LBA, CRC not resealed */
	assert_true(parse(d, &r));
	assert_two_parts(&r);
	assert_non_null(strstr(r.note, "GPT header CRC mismatch (stored 0x"));
	assert_non_null(strstr(r.note, "using the backup at LBA 255"));
	disk_free(d);
}

static void test_gpt_primary_entries_crc_bad(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);
	struct result r;

	sector(d, 2)[56] = 'L'; /* the first name, in the primary array */
	assert_true(parse(d, &r));
	assert_two_parts(&r);
	assert_string_equal(r.t.part[0].label, "linux");
	assert_non_null(strstr(r.note, "partition entries CRC mismatch"));
	assert_non_null(strstr(r.note, "using the backup"));
	disk_free(d);
}

static void test_gpt_primary_missing(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);
	struct result r;

	memset(sector(d, 1), 0, 512);
	assert_true(parse(d, &r));
	assert_two_parts(&r);
	assert_non_null(
		strstr(r.note, "no GPT header (\"EFI PART\") at LBA 1"));
	disk_free(d);
}

static void test_gpt_primary_unreadable(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);
	struct result r;

	d->fail_lba = 1;
	assert_true(parse(d, &r));
	assert_two_parts(&r);
	assert_non_null(strstr(r.note, "cannot read LBA 1"));
	disk_free(d);
}

static void test_gpt_both_headers_bad(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	sector(d, 1)[16] ^= 0xFF;
	sector(d, 255)[16] ^= 0xFF;
	assert_fails_with(d, "primary GPT damaged (GPT header CRC mismatch");
	assert_fails_with(d, "the backup at LBA 255 too (GPT header CRC "
			     "mismatch");
	disk_free(d);
}

static void test_gpt_both_entries_bad(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	sector(d, L.primary_entries)[40] ^= 1;
	sector(d, L.backup_entries)[40] ^= 1;
	/* Both copies broken alike: the reason once. */
	assert_fails_with(d, "both GPT copies damaged: GPT partition entries "
			     "CRC mismatch (stored 0x");
	disk_free(d);
}

static void test_gpt_entries_unreadable_everywhere(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	struct result r;

	/* The primary's array (one run, LBAs 2-33) fails; the backup's is
	 * elsewhere. */
	d->fail_lba = (int64_t)L.primary_entries + 5;
	assert_true(parse(d, &r));
	assert_non_null(strstr(r.note, "cannot read LBAs 2-33"));
	memset(sector(d, 255), 0, 512);
	assert_fails_with(d, "primary GPT damaged (cannot read LBAs 2-33)");
	disk_free(d);
}

static void test_gpt_backup_header_misplaced(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	/* A header that is whole but says it is elsewhere. */
	sector(d, 1)[0] = 'X';
	put64(sector(d, 255) + 24, 1);
	gpt_reseal(d, 255);
	assert_fails_with(d, "GPT header at LBA 255 says it is at LBA 1");
	disk_free(d);
}

static void test_gpt_overlap(void **state)
{
	static const struct tpart p[] = {
		{ 0, LINUX_FS, UUID_A, 100, 200, "a" },
		{ 1, LINUX_FS, UUID_B, 40, 99, "b" },
		{ 2, BASIC_DATA, UUID_A, 150, 160, "c" },
	};
	struct gpt_layout L;
	struct disk *d = disk_new(256, 512);

	gpt_build(d, 128, 128, p, 3, &L);
	assert_fails_with(d, "partition 3 (LBA 150-160) overlaps partition 1 "
			     "(LBA 100-200)");
	disk_free(d);
}

/* An intact primary with an impossible table is refused, even with a
 * good backup behind it: that would be an older table. */
static void test_gpt_invalid_primary_not_replaced(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	put64(gpt_entry_at(d, 2, 128, 2) + 32, 90); /* p3 90-199 over p1 */
	gpt_reseal(d, 1);
	assert_fails_with(d, "partition 3 (LBA 90-199) overlaps partition 1 "
			     "(LBA 40-99)");
	disk_free(d);
}

static void test_gpt_past_last_usable(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	put64(gpt_entry_at(d, 2, 128, 2) + 40, 223);
	put64(gpt_entry_at(d, L.backup_entries, 128, 2) + 40, 223);
	gpt_reseal(d, 1);
	gpt_reseal(d, 255);
	assert_fails_with(d, "partition 3 ends at LBA 223, past the last "
			     "usable LBA 222");
	disk_free(d);
}

static void test_gpt_before_first_usable(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	put64(gpt_entry_at(d, 2, 128, 0) + 32, 33);
	gpt_reseal(d, 1);
	assert_fails_with(d, "partition 1 starts at LBA 33, before the first "
			     "usable LBA 34");
	disk_free(d);
}

static void test_gpt_start_after_end(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	put64(gpt_entry_at(d, 2, 128, 0) + 32, 120);
	gpt_reseal(d, 1);
	assert_fails_with(d, "partition 1 starts at LBA 120, after its end at "
			     "LBA 99");
	disk_free(d);
}

static void test_gpt_usable_past_disk(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	/* As if the disk had shrunk under its table. */
	put64(sector(d, 1) + 48, 300);
	gpt_reseal(d, 1);
	put64(sector(d, 255) + 48, 300);
	gpt_reseal(d, 255);
	assert_fails_with(d, "GPT usable LBAs 34-300 are not inside LBAs "
			     "2-254 of the disk");
	disk_free(d);
}

static void test_gpt_usable_reversed(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	put64(sector(d, 1) + 40, 223);
	gpt_reseal(d, 1);
	put64(sector(d, 255) + 40, 223);
	gpt_reseal(d, 255);
	assert_fails_with(d, "GPT first usable LBA 223 is after the last "
			     "usable LBA 222");
	disk_free(d);
}

/* Break the same header field in both copies, CRCs resealed. */
static void break_both(struct disk *d, unsigned offset, uint32_t value)
{
	put32(sector(d, 1) + offset, value);
	gpt_reseal(d, 1);
	put32(sector(d, d->sectors - 1) + offset, value);
	gpt_reseal(d, d->sectors - 1);
}

static void test_gpt_entry_size_zero(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	break_both(d, 84, 0);
	assert_fails_with(d, "GPT partition entry size 0 is not a power of "
			     "two from 128 to 4096");
	disk_free(d);
}

static void test_gpt_entry_size_odd(void **state)
{
	static const uint32_t bad[] = { 96, 127, 136, 192, 8192, 0x80000000u };
	struct gpt_layout L;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct disk *d = gpt_disk(&L);

		break_both(d, 84, bad[i]);
		assert_fails_with(d, "GPT partition entry size");
		disk_free(d);
	}
}

static void test_gpt_too_many_entries(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	break_both(d, 80, 0x01000000);
	assert_fails_with(d, "GPT has 16777216 partition entries; at most "
			     "1024");
	disk_free(d);
}

static void test_gpt_entries_off_disk(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	put64(sector(d, 1) + 72, 250); /* 32 sectors from 250: past 255 */
	gpt_reseal(d, 1);
	put64(sector(d, 255) + 72, 0xFFFFFFFFFFFFFFF0ull);
	gpt_reseal(d, 255);
	assert_fails_with(d, "GPT partition entries at LBA 250 (32 sectors) "
			     "are not inside LBAs 2-254 of the disk");
	assert_fails_with(d,
			  "GPT partition entries at LBA 18446744073709551600 "
			  "(32 sectors) are not inside");
	disk_free(d);
}

static void test_gpt_entries_over_usable(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	put64(sector(d, 1) + 72, 20); /* 20-51 overlaps usable 34-222 */
	gpt_reseal(d, 1);
	put64(sector(d, 255) + 72, 1); /* over the primary header */
	put64(sector(d, 255) + 40, 40);
	gpt_reseal(d, 255);
	assert_fails_with(d, "GPT partition entries (LBA 20-51) overlap the "
			     "usable LBAs 34-222");
	assert_fails_with(d, "GPT partition entries at LBA 1 (32 sectors) are "
			     "not inside LBAs 2-254");
	disk_free(d);
}

static void test_gpt_entries_over_header(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	put64(sector(d, 255) + 72, 224); /* 224-255: over the backup header */
	gpt_reseal(d, 255);
	sector(d, 1)[0] = 0;
	assert_fails_with(d, "GPT partition entries at LBA 224 (32 sectors) "
			     "are not inside LBAs 2-254");
	disk_free(d);
}

static void test_gpt_header_size(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);

	break_both(d, 12, 91);
	assert_fails_with(d, "GPT header size 91 is not 92-512");
	disk_free(d);
	d = gpt_disk(&L);
	put32(sector(d, 1) + 12,
	      513); /* no reseal: the size is checked first */
	put32(sector(d, 255) + 12, 0xFFFFFFFFu);
	assert_fails_with(d, "GPT header size 4294967295 is not 92-512");
	disk_free(d);
}

static void test_gpt_header_larger_than_92(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);
	struct result r;

	/* A future header with more fields: the CRC covers all of it. */
	put32(sector(d, 1) + 12, 512);
	sector(d, 1)[300] = 0x42;
	gpt_reseal(d, 1);
	assert_true(parse(d, &r));
	assert_two_parts(&r);
	assert_string_equal(r.note, "");
	disk_free(d);
}

static void test_gpt_revision(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);
	struct result r;

	put32(sector(d, 1) + 8, 0x00020000);
	gpt_reseal(d, 1);
	assert_true(parse(d, &r));
	assert_non_null(strstr(r.note, "GPT header revision 0x00020000 is not "
				       "1.x"));
	disk_free(d);
}

static void test_gpt_no_entries(void **state)
{
	struct disk *d = disk_new(64, 512);
	struct gpt_layout L;
	struct result r;

	gpt_build(d, 0, 128, NULL, 0, &L);
	assert_true(parse(d, &r));
	assert_int_equal(r.t.scheme, PART_GPT);
	assert_int_equal(r.t.n, 0);
	disk_free(d);
}

static void test_gpt_protective_without_gpt(void **state)
{
	struct disk *d = disk_new(64, 512);

	mbr_entry(sector(d, 0), 0, 0xEE, 1, 63);
	assert_fails_with(d, "primary GPT damaged (no GPT header (\"EFI "
			     "PART\") at LBA 1); the backup at LBA 63 too");
	disk_free(d);
}

static void test_gpt_tiny_disks(void **state)
{
	for (uint64_t n = 1; n <= 4; n++) {
		struct disk *d = disk_new(n, 512);
		struct result r;

		mbr_entry(sector(d, 0), 0, 0xEE, 1, 1);
		if (n > 1) {
			memcpy(sector(d, 1), "EFI PART", 8);
			put32(sector(d, 1) + 8, 0x00010000);
		}
		assert_false(parse(d, &r));
		disk_free(d);
	}
}

static void test_gpt_hybrid_mbr(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);
	struct result r;

	/* The MBR also names partition 1 for old tools: GPT decides. */
	mbr_entry(sector(d, 0), 1, 0x83, 40, 60);
	assert_true(parse(d, &r));
	assert_two_parts(&r);
	disk_free(d);
}

static void test_gpt_labels(void **state)
{
	static const struct tpart p[] = {
		{ 0, LINUX_FS, UUID_A, 40, 49, "" },
		{ 1, LINUX_FS, UUID_B, 50, 59, "" },
		{ 2, LINUX_FS, UUID_A, 60, 69, "" },
	};
	struct gpt_layout L;
	struct disk *d = disk_new(256, 512);
	struct result r;
	uint8_t *e;

	gpt_build(d, 128, 128, p, 3, &L);
	/* "caf\u00e9 \U0001F600!": non-ASCII, and a surrogate pair, as one
	 * '?' each; a control character too. */
	e = gpt_entry_at(d, 2, 128, 0) + 56;
	put16(e, 'c');
	put16(e + 2, 'a');
	put16(e + 4, 'f');
	put16(e + 6, 0xE9);
	put16(e + 8, ' ');
	put16(e + 10, 0xD83D);
	put16(e + 12, 0xDE00);
	put16(e + 14, 0x07);
	put16(e + 16, '!');
	/* 36 units, no NUL: all of them. */
	e = gpt_entry_at(d, 2, 128, 1) + 56;
	for (int i = 0; i < 36; i++)
		put16(e + 2 * i, (uint16_t)('A' + i % 26));
	/* A lone high surrogate at the very end. */
	e = gpt_entry_at(d, 2, 128, 2) + 56;
	put16(e, 'x');
	put16(e + 70, 0xD800);
	for (int i = 1; i < 35; i++)
		put16(e + 2 * i, 'y');
	gpt_reseal(d, 1);
	assert_true(parse(d, &r));
	assert_string_equal(r.t.part[0].label,
			    "caf? ?"
			    "?!" /* split: "??!" is a trigraph */);
	assert_string_equal(r.t.part[1].label,
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ");
	assert_int_equal(strlen(r.t.part[2].label), 36);
	assert_int_equal(r.t.part[2].label[35], '?');
	disk_free(d);
}

static void test_gpt_larger_entries(void **state)
{
	struct disk *d = disk_new(256, 512);
	struct gpt_layout L;
	struct result r;

	/* 16 entries of 512 bytes: one per sector. */
	gpt_build(d, 16, 512, two_parts, 2, &L);
	assert_true(parse(d, &r));
	assert_two_parts(&r);
	disk_free(d);
	/* 4 entries of 4096 bytes, each over 8 sectors. */
	d = disk_new(256, 512);
	gpt_build(d, 4, 4096, two_parts, 2, &L);
	assert_true(parse(d, &r));
	assert_two_parts(&r);
	disk_free(d);
}

/* 1024 entries (128 KiB, 8 runs of PART_SCRATCH), used ones at the
 * start and at the very end. */
static void test_gpt_many_entries(void **state)
{
	static const struct tpart p[] = {
		{ 0, LINUX_FS, UUID_A, 1100, 1199, "first" },
		{ 1023, BASIC_DATA, UUID_B, 1200, 1299, "last" },
	};
	struct disk *d = disk_new(2000, 512);
	struct gpt_layout L;
	struct result r;

	gpt_build(d, 1024, 128, p, 2, &L);
	assert_true(parse(d, &r));
	assert_int_equal(r.t.n, 2);
	assert_part(&r, 1, 1024, 1200, 100);
	assert_string_equal(r.t.part[1].label, "last");
	disk_free(d);
}

static void test_gpt_more_than_part_max(void **state)
{
	struct tpart p[40];
	struct disk *d = disk_new(256, 512);
	struct gpt_layout L;
	struct result r;

	for (unsigned i = 0; i < 40; i++)
		p[i] = (struct tpart){ i,	   LINUX_FS,   UUID_A,
				       40 + 2 * i, 41 + 2 * i, "p" };
	gpt_build(d, 128, 128, p, 40, &L);
	assert_true(parse(d, &r));
	assert_int_equal(r.t.n, PART_MAX);
	assert_part(&r, PART_MAX - 1, PART_MAX, 40 + 2 * 31, 2);
	assert_string_equal(r.note, "more than 32 partitions: partition 33 "
				    "and any after it are ignored");
	disk_free(d);
}

static void test_gpt_4096_byte_sectors(void **state)
{
	struct disk *d = disk_new(256, 4096);
	struct gpt_layout L;
	struct result r;

	/* 128 entries fill 4 sectors: usable LBAs 6-250. */
	gpt_build(d, 128, 128, two_parts, 2, &L);
	assert_int_equal(L.first_usable, 6);
	assert_int_equal(L.last_usable, 250);
	assert_true(parse(d, &r));
	assert_two_parts(&r);
	assert_string_equal(r.note, "");

	/* And its backup, read from LBA 255 (byte 1044480 on). */
	sector(d, 1)[0] = 0;
	assert_true(parse(d, &r));
	assert_two_parts(&r);
	assert_non_null(strstr(r.note, "using the backup at LBA 255"));
	disk_free(d);
}

static void test_gpt_4096_header_size(void **state)
{
	struct disk *d = disk_new(256, 4096);
	struct gpt_layout L;
	struct result r;

	gpt_build(d, 128, 128, two_parts, 2, &L);
	put32(sector(d, 1) + 12, 4096);
	gpt_reseal(d, 1);
	assert_true(parse(d, &r));
	assert_string_equal(r.note, "");
	break_both(d, 12, 4097);
	assert_fails_with(d, "GPT header size 4097 is not 92-4096");
	disk_free(d);
}

static void test_mbr_4096_byte_sectors(void **state)
{
	struct disk *d = disk_new(100, 4096);
	struct result r;

	mbr_entry(sector(d, 0), 0, 0x83, 1, 49);
	mbr_entry(sector(d, 0), 1, 0x05, 50, 50);
	ebr(d, 50, 1, 20, 30, 10);
	ebr(d, 80, 1, 19, 0, 0);
	assert_true(parse(d, &r));
	assert_int_equal(r.t.n, 3);
	assert_part(&r, 1, 5, 51, 20);
	assert_part(&r, 2, 6, 81, 19);
	disk_free(d);
}

/* ---- The error and note buffers ---- */

static void test_small_buffers(void **state)
{
	struct gpt_layout L;
	struct disk *d = gpt_disk(&L);
	void *scratch = malloc(PART_SCRATCH);
	struct partition_table t;
	char *err = malloc(8), *note = malloc(8);

	assert_non_null(scratch);
	sector(d, 1)[16] ^= 1;
	assert_true(partition_parse(d->sectors, d->ss, disk_read, d, scratch,
				    &t, err, 8, note, 8));
	assert_string_equal(note, "primary");
	/* No room at all: nothing is written, and the answer is the same. */
	assert_true(partition_parse(d->sectors, d->ss, disk_read, d, scratch,
				    &t, err, 0, note, 0));
	sector(d, 255)[16] ^= 1;
	assert_false(partition_parse(d->sectors, d->ss, disk_read, d, scratch,
				     &t, err, 8, note, 8));
	assert_string_equal(err, "primary");
	assert_false(partition_parse(d->sectors, d->ss, disk_read, d, scratch,
				     &t, err, 0, note, 0));
	free(err);
	free(note);
	free(scratch);
	disk_free(d);
}

/* ---- GUID text ---- */

static void test_guid_parse_rejects(void **state)
{
	static const char *bad[] = {
		"0fc63daf-8483-4772-8e79-3d69d8477de",	 /* short */
		"0fc63daf-8483-4772-8e79-3d69d8477de4a", /* long */
		"0fc63daf8-483-4772-8e79-3d69d8477de4",	 /* a dash moved */
		"0fc63daf-8483-4772-8e79+3d69d8477de4",
		"0fc63dag-8483-4772-8e79-3d69d8477de4", /* not hex */
		"0fc63daf-8483-4772-8e79-3d69d8477d e",
		"{fc63daf-8483-4772-8e79-3d69d8477de}",
		"",
	};
	uint8_t out[16], before[16];

	memset(out, 0x5A, sizeof(out));
	memcpy(before, out, sizeof(out));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (part_parse_guid(bad[i], strlen(bad[i]), out))
			fail_msg("accepted \"%s\"", bad[i]);
		assert_memory_equal(out, before, 16);
	}
	/* The length is what counts, not a NUL. */
	assert_false(part_parse_guid(LINUX_FS, 35, out));
	assert_true(part_parse_guid(LINUX_FS "trailing", 36, out));
}

static void test_guid_case_and_round_trip(void **state)
{
	uint8_t a[16], b[16], g[16];
	char text[37];

	assert_true(part_parse_guid(UUID_B, 36, a));
	assert_true(
		part_parse_guid("a1b2c3d4-e5f6-4711-8899-aabbccddeeff", 36, b));
	assert_memory_equal(a, b, 16);
	guid_bytes(UUID_B, g);
	assert_memory_equal(a, g, 16);
	for (int i = 0; i < 16; i++)
		g[i] = (uint8_t)(i * 17 + 3);
	part_format_guid(g, text);
	assert_int_equal(strlen(text), 36);
	assert_true(part_parse_guid(text, 36, a));
	assert_memory_equal(a, g, 16);
	guid_bytes(text, b);
	assert_memory_equal(b, g, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_check_values),
		cmocka_unit_test(test_crc32_in_pieces),
		cmocka_unit_test(test_blank_disk_has_no_table),
		cmocka_unit_test(test_empty_disk_reads_nothing),
		cmocka_unit_test(test_odd_sector_size_refused),
		cmocka_unit_test(test_boot_sector_is_no_table),
		cmocka_unit_test(test_mbr_primaries),
		cmocka_unit_test(test_mbr_signature_only),
		cmocka_unit_test(test_mbr_past_disk_end),
		cmocka_unit_test(test_mbr_huge_entry_does_not_wrap),
		cmocka_unit_test(test_mbr_overlap),
		cmocka_unit_test(test_mbr_partition_over_lba0),
		cmocka_unit_test(test_mbr_read_fails),
		cmocka_unit_test(test_mbr_extended_chain),
		cmocka_unit_test(test_mbr_ebr_empty_logical_skipped),
		cmocka_unit_test(test_mbr_ebr_loop),
		cmocka_unit_test(test_mbr_ebr_self_link),
		cmocka_unit_test(test_mbr_ebr_link_outside),
		cmocka_unit_test(test_mbr_logical_past_extended),
		cmocka_unit_test(test_mbr_logical_covers_ebr),
		cmocka_unit_test(test_mbr_logical_on_its_ebr),
		cmocka_unit_test(test_mbr_logicals_overlap),
		cmocka_unit_test(test_mbr_ebr_without_signature),
		cmocka_unit_test(test_mbr_ebr_bad_link_type),
		cmocka_unit_test(test_mbr_two_extended),
		cmocka_unit_test(test_mbr_primary_overlaps_extended),
		cmocka_unit_test(test_mbr_ebr_read_fails),
		cmocka_unit_test(test_mbr_too_many_logicals),
		cmocka_unit_test(test_mbr_endless_empty_chain),
		cmocka_unit_test(test_mbr_4096_byte_sectors),
		cmocka_unit_test(test_gpt_two_partitions),
		cmocka_unit_test(test_gpt_type_guid_byte_order),
		cmocka_unit_test(test_gpt_primary_header_crc_bad),
		cmocka_unit_test(test_gpt_primary_entries_crc_bad),
		cmocka_unit_test(test_gpt_primary_missing),
		cmocka_unit_test(test_gpt_primary_unreadable),
		cmocka_unit_test(test_gpt_both_headers_bad),
		cmocka_unit_test(test_gpt_both_entries_bad),
		cmocka_unit_test(test_gpt_entries_unreadable_everywhere),
		cmocka_unit_test(test_gpt_backup_header_misplaced),
		cmocka_unit_test(test_gpt_overlap),
		cmocka_unit_test(test_gpt_invalid_primary_not_replaced),
		cmocka_unit_test(test_gpt_past_last_usable),
		cmocka_unit_test(test_gpt_before_first_usable),
		cmocka_unit_test(test_gpt_start_after_end),
		cmocka_unit_test(test_gpt_usable_past_disk),
		cmocka_unit_test(test_gpt_usable_reversed),
		cmocka_unit_test(test_gpt_entry_size_zero),
		cmocka_unit_test(test_gpt_entry_size_odd),
		cmocka_unit_test(test_gpt_too_many_entries),
		cmocka_unit_test(test_gpt_entries_off_disk),
		cmocka_unit_test(test_gpt_entries_over_usable),
		cmocka_unit_test(test_gpt_entries_over_header),
		cmocka_unit_test(test_gpt_header_size),
		cmocka_unit_test(test_gpt_header_larger_than_92),
		cmocka_unit_test(test_gpt_revision),
		cmocka_unit_test(test_gpt_no_entries),
		cmocka_unit_test(test_gpt_protective_without_gpt),
		cmocka_unit_test(test_gpt_tiny_disks),
		cmocka_unit_test(test_gpt_hybrid_mbr),
		cmocka_unit_test(test_gpt_labels),
		cmocka_unit_test(test_gpt_larger_entries),
		cmocka_unit_test(test_gpt_many_entries),
		cmocka_unit_test(test_gpt_more_than_part_max),
		cmocka_unit_test(test_gpt_4096_byte_sectors),
		cmocka_unit_test(test_gpt_4096_header_size),
		cmocka_unit_test(test_small_buffers),
		cmocka_unit_test(test_guid_parse_rejects),
		cmocka_unit_test(test_guid_case_and_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
