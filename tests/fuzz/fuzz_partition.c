/*
 * fuzz_partition.c - libFuzzer target for partition_parse, the MBR and
 * GPT parser (hv/storage/partition.c), and the GUID text routines.
 *
 * A disk's first and last sectors are as hostile as anything a guest
 * writes: the disk may have been a guest's, or come from anywhere.  The
 * input describes a disk compactly, so that small inputs reach both ends
 * of it (a GPT's backup lives in the last sector) on 512- and 4096-byte
 * sectors alike:
 *
 *   byte 0      bit 0: 4096-byte sectors (else 512); bit 1: reseal the
 *               GPT (below); bits 2-7: if not 0, the read with that
 *               number (1 = the first) fails
 *   bytes 1-4   the disk's size in sectors, little-endian; 0: just enough
 *               for the data
 *   bytes 5-6   `split`, little-endian
 *   the rest    the data: its first `split` bytes are the disk from LBA 0
 *               on, the others fill the disk's last sectors (starting at
 *               a sector boundary, as few sectors as they need); all else
 *               on the disk is zero, and where the two overlap the end
 *               wins
 *
 * A fuzzer rarely guesses a CRC-32, so without help it would stay in
 * front of the GPT's two CRC checks.  With bit 1 set, the harness first
 * writes the right CRCs (entry array's, then header's) into each header
 * at LBA 1 and the last LBA that has the signature and a sane size, so
 * the checks behind them are fuzzed too; without it, broken CRCs are
 * fuzzed.
 *
 * The reader serves exactly that disk and aborts on a request outside
 * it, or larger than the scratch, which is a heap block of exactly
 * PART_SCRATCH bytes so ASan sees a byte written past it.  Whatever the
 * bytes, partition_parse must answer, and:
 *
 *   - false comes with a reason (NUL-terminated, not empty), an empty
 *     table and an empty note;
 *   - true leaves a table that keeps its promises: no table means no
 *     partitions; at most PART_MAX; each partition non-empty, after LBA 0
 *     and inside the disk, numbered in increasing order within its
 *     scheme's range (logical ones 5, 6, ... without a gap), missing
 *     every other; MBR partitions of a real type, not extended (nor
 *     protective, for a primary), with no GUIDs or label; GPT ones inside
 *     LBAs 2 to last - 1, with a type GUID, a label of printable ASCII,
 *     and no MBR type;
 *   - the answer depends on the disk only: a second parse, with the
 *     scratch full of other garbage and 16-byte messages, gives the same
 *     table and the first 15 characters of the same reason and note.
 *
 * And part_parse_guid on 36 bytes of the data: if it accepts them,
 * part_format_guid gives them back in lower case; whatever the 16 bytes,
 * formatting and parsing them again is the identity.
 *
 * Built and run by tests/fuzz.sh; seeds are in tests/fuzz/corpus/partition
 * (first made by tests/fuzz/seeds_partition.py).
 *
 * FUZZ_SOURCES: hv/storage/partition.c hv/lib/parse.c hv/lib/crc32.c hv/lib/string.c hv/lib/format.c
 * FUZZ_MAX_LEN: 16384
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/lib/crc32.h"
#include "hv/storage/partition.h"

#include "tests/fuzz/fuzz_stubs.h"

#define HEADER 7
/* Reads one parse may make: the MBR and 64 EBRs, or two GPT headers and
 * two arrays of 4 MiB in runs of 16 KiB.  More means a loop. */
#define MAX_READS 1000

struct disk {
	uint8_t *data; /* a heap copy of exactly `len` bytes */
	size_t len, split;
	uint64_t sectors;
	uint32_t ss;
	uint64_t tail_start; /* byte offset on the disk of data[split] */
	unsigned fail_read;  /* 0: none */
	unsigned reads;
};

/* Copy into out (the disk's bytes from `off`, n of them) the part that
 * overlaps src, which lies on the disk from byte src_off on. */
static void overlay(uint8_t *out, uint64_t off, size_t n, const uint8_t *src,
		    uint64_t src_off, size_t src_len)
{
	uint64_t from = off > src_off ? off : src_off;
	uint64_t to = off + n < src_off + src_len ? off + n : src_off + src_len;

	if (from < to)
		memcpy(out + (from - off), src + (from - src_off), to - from);
}

/* The disk's n bytes from `off`. */
static void disk_bytes(const struct disk *d, uint64_t off, size_t n,
		       uint8_t *out)
{
	memset(out, 0, n);
	overlay(out, off, n, d->data, 0, d->split);
	/* Second, so that the tail wins where the two overlap. */
	overlay(out, off, n, d->data + d->split, d->tail_start,
		d->len - d->split);
}

static bool disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct disk *d = ctx;

	check(count >= 1);
	check(lba < d->sectors && count <= d->sectors - lba);
	check((uint64_t)count * d->ss <= PART_SCRATCH);
	check(++d->reads <= MAX_READS);
	if (d->reads == d->fail_read)
		return false;
	disk_bytes(d, lba * d->ss, (size_t)count * d->ss, buf);
	return true;
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static uint64_t le64(const uint8_t *b)
{
	return (uint64_t)le32(b) | (uint64_t)le32(b + 4) << 32;
}

/* Store v at the disk's byte `off` on, where the data holds those bytes
 * (a byte of the zero middle stays zero). */
static void poke32(struct disk *d, uint64_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		uint64_t o = off + i;
		uint8_t *p = NULL;

		if (o >= d->tail_start && o - d->tail_start < d->len - d->split)
			p = d->data + d->split + (o - d->tail_start);
		else if (o < d->split)
			p = d->data + o;
		if (p)
			*p = (uint8_t)(v >> 8 * i);
	}
}

static uint32_t disk_crc(const struct disk *d, uint64_t off, uint64_t len)
{
	static uint8_t buf[PART_SCRATCH];
	uint32_t crc = 0;

	while (len > 0) {
		size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);

		disk_bytes(d, off, n, buf);
		crc = crc32_ieee(crc, buf, n);
		off += n;
		len -= n;
	}
	return crc;
}

/* Make the GPT header at `lba`, if there is one, agree with its CRCs. */
static void reseal(struct disk *d, uint64_t lba)
{
	uint64_t off = lba * d->ss, array, bytes;
	uint8_t h[92];
	uint32_t size;

	if (lba >= d->sectors)
		return;
	disk_bytes(d, off, sizeof(h), h);
	size = le32(h + 12);
	if (memcmp(h, "EFI PART", 8) != 0 || size < 92 || size > d->ss)
		return;
	array = le64(h + 72);
	bytes = (uint64_t)le32(h + 80) * le32(h + 84);
	if (bytes <= 4 << 20 && array < d->sectors &&
	    bytes <= (d->sectors - array) * d->ss)
		poke32(d, off + 88, disk_crc(d, array * d->ss, bytes));
	poke32(d, off + 16, 0);
	poke32(d, off + 16, disk_crc(d, off, size));
}

static bool terminated(const char *s, size_t n)
{
	return memchr(s, 0, n) != NULL;
}

static bool all_zero(const uint8_t *b, size_t n)
{
	while (n--)
		if (*b++)
			return false;
	return true;
}

static void check_partition(const struct partition_table *t,
			    const struct disk *d, unsigned i)
{
	const struct partition *q = &t->part[i];

	check(q->sectors >= 1);
	check(q->first_lba >= 1 && q->first_lba < d->sectors);
	check(q->sectors <= d->sectors - q->first_lba);
	check(terminated(q->label, sizeof(q->label)));
	if (i > 0)
		check(q->number > t->part[i - 1].number);
	for (unsigned j = 0; j < i; j++) {
		const struct partition *o = &t->part[j];

		check(q->first_lba + q->sectors <= o->first_lba ||
		      o->first_lba + o->sectors <= q->first_lba);
	}
	if (t->scheme == PART_MBR) {
		check(q->number >= 1);
		check(q->mbr_type != 0x00 && q->mbr_type != 0x05 &&
		      q->mbr_type != 0x0F && q->mbr_type != 0x85);
		/* A primary of type 0xEE makes the disk GPT; in an EBR the
		 * type means nothing special. */
		check(q->number >= 5 || q->mbr_type != 0xEE);
		check(all_zero(q->type_guid, 16) && all_zero(q->uuid, 16));
		check(q->label[0] == 0);
		/* Logical partitions are numbered 5, 6, ... without a gap. */
		if (i > 0 && t->part[i - 1].number >= 5)
			check(q->number == t->part[i - 1].number + 1);
		if (q->number >= 5 && (i == 0 || t->part[i - 1].number < 5))
			check(q->number == 5);
	} else {
		check(t->scheme == PART_GPT);
		check(q->number >= 1 && q->number <= 1024);
		check(q->first_lba >= 2 &&
		      q->first_lba + q->sectors < d->sectors);
		check(q->mbr_type == 0);
		check(!all_zero(q->type_guid, 16));
		for (const char *c = q->label; *c; c++)
			check(*c >= 0x20 && *c < 0x7F);
	}
}

struct answer {
	bool ok;
	struct partition_table t;
	char err[256], note[256];
};

static void parse(struct disk *d, uint8_t fill, struct answer *a, size_t msglen)
{
	uint8_t *scratch = malloc(PART_SCRATCH);

	check(scratch != NULL);
	memset(scratch, fill, PART_SCRATCH);
	memset(a, 0x5A, sizeof(*a));
	d->reads = 0;
	a->ok = partition_parse(d->sectors, d->ss, disk_read, d, scratch, &a->t,
				a->err, msglen, a->note, msglen);
	free(scratch);
}

static void check_answer(const struct answer *a, const struct disk *d)
{
	check(terminated(a->err, sizeof(a->err)));
	check(terminated(a->note, sizeof(a->note)));
	if (!a->ok) {
		check(a->err[0] != 0);
		check(a->note[0] == 0);
		check(a->t.scheme == PART_NONE && a->t.n == 0);
		return;
	}
	check(a->err[0] == 0);
	check(a->t.scheme == PART_NONE || a->t.scheme == PART_MBR ||
	      a->t.scheme == PART_GPT);
	check(a->t.n <= PART_MAX);
	if (a->t.scheme == PART_NONE)
		check(a->t.n == 0);
	for (unsigned i = 0; i < a->t.n; i++)
		check_partition(&a->t, d, i);
}

/* The same table, field by field (padding is nobody's business). */
static bool same_table(const struct partition_table *a,
		       const struct partition_table *b)
{
	if (a->scheme != b->scheme || a->n != b->n)
		return false;
	for (unsigned i = 0; i < a->n && i < PART_MAX; i++) {
		const struct partition *p = &a->part[i], *q = &b->part[i];

		if (p->number != q->number || p->first_lba != q->first_lba ||
		    p->sectors != q->sectors || p->mbr_type != q->mbr_type ||
		    memcmp(p->type_guid, q->type_guid, 16) != 0 ||
		    memcmp(p->uuid, q->uuid, 16) != 0 ||
		    strcmp(p->label, q->label) != 0)
			return false;
	}
	return true;
}

/* s2 is s1 cut to what fits in `len` bytes. */
static bool truncation_of(const char *s1, const char *s2, size_t len)
{
	size_t n = strlen(s1) < len - 1 ? strlen(s1) : len - 1;

	return strlen(s2) == n && memcmp(s1, s2, n) == 0;
}

static void check_guid(const uint8_t *text)
{
	uint8_t g[16], again[16];
	char out[37];

	if (part_parse_guid((const char *)text, 36, g)) {
		part_format_guid(g, out);
		check(strlen(out) == 36);
		for (int i = 0; i < 36; i++)
			check(out[i] == tolower(text[i]));
	}
	memcpy(g, text, 16);
	part_format_guid(g, out);
	check(part_parse_guid(out, 36, again));
	check(memcmp(g, again, 16) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct answer first, second;
	struct disk d = { 0 };
	uint8_t *copy;
	size_t tail_len;

	if (size < HEADER)
		return 0;
	d.ss = data[0] & 1 ? 4096 : 512;
	d.fail_read = data[0] >> 2;
	d.sectors = le32(data + 1);
	d.len = size - HEADER;
	d.split = (size_t)(data[5] | data[6] << 8);
	if (d.split > d.len)
		d.split = d.len;
	tail_len = d.len - d.split;
	if (d.sectors == 0)
		d.sectors = (d.split + d.ss - 1) / d.ss +
			    (tail_len + d.ss - 1) / d.ss;
	/* The tail's first sector; on a disk too small for it, LBA 0. */
	d.tail_start = (tail_len + d.ss - 1) / d.ss;
	d.tail_start = d.tail_start <= d.sectors ? d.sectors - d.tail_start : 0;
	d.tail_start *= d.ss;

	copy = malloc(d.len ? d.len : 1);
	check(copy != NULL);
	memcpy(copy, data + HEADER, d.len);
	d.data = copy;
	if (data[0] & 2) {
		reseal(&d, 1);
		reseal(&d, d.sectors - 1);
	}

	parse(&d, 0x00, &first, sizeof(first.err));
	check_answer(&first, &d);
	parse(&d, 0xFF, &second, 16);
	check(second.ok == first.ok);
	check(same_table(&first.t, &second.t));
	check(truncation_of(first.err, second.err, 16));
	check(truncation_of(first.note, second.note, 16));

	if (d.len >= 36)
		check_guid(copy);
	free(copy);
	return 0;
}
