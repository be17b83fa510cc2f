/*
 * partition.c - [Storage 6] MBR and GPT partition tables, parsed as
 * hostile input (see partition.h for what the caller gets).
 *
 * Everything on the disk is read through p->read into the caller's
 * scratch buffer, one sector or one bounded run of sectors at a time, and
 * every request is checked against the disk's size before it is made
 * (read_sectors), so no table, however broken, can make us read outside
 * the disk or write outside the scratch.  Numbers from the disk are read
 * byte by byte as little-endian (le16/le32/le64): no structure is laid
 * over the buffer, so neither alignment nor the host's byte order matter.
 *
 * The order of the checks is the order a reader would ask: is there a
 * table at all (the 0x55AA at the end of LBA 0), is it a protective MBR
 * (then the GPT decides), and then, partition by partition, does it fit
 * on the disk and miss every other partition.  The first problem ends
 * the parse with a message that names the partition and the LBAs, because
 * the person reading it has a disk to fix with fdisk or gdisk.
 */
#include "hv/storage/partition.h"
#include "hv/lib/crc32.h"

/* ---- The MBR, and the EBRs of an extended partition, which share its
 * layout: four 16-byte entries at byte 446 and 0x55 0xAA at byte 510.
 * On a disk of 4096-byte sectors the MBR is still the first 512 bytes of
 * LBA 0, and its LBAs count 4096-byte sectors. */
#define MBR_ENTRIES_OFFSET 446
#define MBR_ENTRY_SIZE 16
#define MBR_SLOTS 4
#define MBR_SIGNATURE_OFFSET 510
/* Within an entry: boot status, CHS start (ignored: LBA is what counts),
 * type, CHS end (ignored), first LBA, sector count. */
#define MBR_ENTRY_STATUS 0
#define MBR_ENTRY_TYPE 4
#define MBR_ENTRY_FIRST 8
#define MBR_ENTRY_COUNT 12

#define MBR_STATUS_INACTIVE 0x00
#define MBR_STATUS_ACTIVE 0x80
#define MBR_TYPE_EMPTY 0x00
#define MBR_TYPE_EXTENDED_CHS 0x05
#define MBR_TYPE_EXTENDED_LBA 0x0F
#define MBR_TYPE_EXTENDED_LINUX 0x85
#define MBR_TYPE_GPT_PROTECTIVE 0xEE

/* Logical partitions are numbered from 5 whatever the primaries use, as
 * Linux names them (sda5 is the first logical partition). */
#define MBR_FIRST_LOGICAL 5
/* How many EBRs one chain may have.  Each EBR usually holds one logical
 * partition, so a chain longer than the table (PART_MAX) already loses
 * partitions; this bound only stops a chain of empty EBRs, and sizes the
 * list that detects loops. */
#define MBR_MAX_EBRS (2 * PART_MAX)

/* ---- The GPT header (UEFI spec, "GUID Partition Table Header"): at
 * LBA 1, and its backup at the disk's last LBA. */
#define GPT_SIGNATURE "EFI PART"
#define GPT_HEADER_REVISION 8
#define GPT_HEADER_SIZE 12
#define GPT_HEADER_CRC 16
#define GPT_HEADER_MY_LBA 24
#define GPT_HEADER_FIRST_USABLE 40
#define GPT_HEADER_LAST_USABLE 48
#define GPT_HEADER_ENTRIES_LBA 72
#define GPT_HEADER_NUM_ENTRIES 80
#define GPT_HEADER_ENTRY_SIZE 84
#define GPT_HEADER_ENTRIES_CRC 88
#define GPT_HEADER_MIN_SIZE 92 /* the fields above */
#define GPT_PRIMARY_LBA 1

/* One entry of the partition entry array. */
#define GPT_ENTRY_TYPE 0
#define GPT_ENTRY_UUID 16
#define GPT_ENTRY_FIRST 32
#define GPT_ENTRY_LAST 40 /* inclusive */
#define GPT_ENTRY_NAME 56
#define GPT_ENTRY_NAME_UNITS 36 /* UTF-16LE code units */
/* The spec makes an entry 128 << n bytes.  We take up to 4096, so that an
 * entry never straddles two reads of PART_SCRATCH bytes (see
 * gpt_read_entries); real tables use 128. */
#define GPT_ENTRY_MIN_SIZE 128
#define GPT_ENTRY_MAX_SIZE 4096
/* Tools write 128 entries; 1024 leaves room for unusual ones and bounds
 * the array at 4 MiB (1024 entries of at most 4096 bytes). */
#define GPT_MAX_ENTRIES 1024

/* One parse: the disk, the caller's buffers, and the table being filled. */
struct parse {
	part_read_fn read;
	void *ctx;
	uint8_t *buf; /* the caller's scratch, PART_SCRATCH bytes */
	uint64_t sectors;
	uint32_t sector_size;
	struct partition_table *t;
	char *err;
	size_t errlen;
	char *note;
	size_t notelen;
	/* Partitions found after the table was full: how many, and the
	 * number of the first (said in the note once the parse succeeds). */
	unsigned dropped, first_dropped;
};

/* An LBA for %llu, which is uint64_t's size on every host. */
static unsigned long long lba_arg(uint64_t lba)
{
	return (unsigned long long)lba;
}

static uint16_t le16(const uint8_t *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
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

/* The reason a parse stops, into err; false so callers can return it. */
static __printf(2, 3) bool fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return false;
}

/* Something the caller should know about a table that parsed: appended
 * to note, after a "; " if something is already there. */
static __printf(2, 3) void note_add(struct parse *p, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (p->notelen == 0)
		return;
	used = hv_strnlen(p->note, p->notelen);
	if (used > 0 && used + 1 < p->notelen) {
		hv_snprintf(p->note + used, p->notelen - used, "; ");
		used = hv_strnlen(p->note, p->notelen);
	}
	if (used + 1 >= p->notelen)
		return; /* full: the first notes matter most */
	va_start(ap, fmt);
	hv_vsnprintf(p->note + used, p->notelen - used, fmt, ap);
	va_end(ap);
}

/*
 * Read `count` sectors from `lba` into the scratch.  The one place that
 * calls the reader: a request that would leave the disk or overflow the
 * scratch is refused here, whatever the caller computed from the table.
 */
static bool read_sectors(struct parse *p, uint64_t lba, uint32_t count)
{
	if (count == 0 || count > PART_SCRATCH / p->sector_size ||
	    lba >= p->sectors || count > p->sectors - lba)
		return fail(p,
			    "cannot read LBA %llu: outside the disk's %llu "
			    "sectors",
			    lba_arg(lba), lba_arg(p->sectors));
	if (!p->read(p->ctx, lba, count, p->buf)) {
		if (count == 1)
			return fail(p, "cannot read LBA %llu", lba_arg(lba));
		return fail(p, "cannot read LBAs %llu-%llu", lba_arg(lba),
			    lba_arg(lba + count - 1));
	}
	return true;
}

static uint64_t last_lba_of(const struct partition *q)
{
	return q->first_lba + q->sectors - 1;
}

static bool ranges_overlap(uint64_t a_first, uint64_t a_last, uint64_t b_first,
			   uint64_t b_last)
{
	return a_first <= b_last && b_first <= a_last;
}

/*
 * Keep a partition whose range has been checked against the disk, once it
 * is known to miss every partition kept so far.  A full table is not an
 * error: what does not fit is counted and said in the note.
 */
static bool add_partition(struct parse *p, const struct partition *np)
{
	struct partition_table *t = p->t;

	for (unsigned i = 0; i < t->n; i++) {
		const struct partition *q = &t->part[i];

		if (ranges_overlap(np->first_lba, last_lba_of(np), q->first_lba,
				   last_lba_of(q)))
			return fail(p,
				    "partition %u (LBA %llu-%llu) overlaps "
				    "partition %u (LBA %llu-%llu)",
				    np->number, lba_arg(np->first_lba),
				    lba_arg(last_lba_of(np)), q->number,
				    lba_arg(q->first_lba),
				    lba_arg(last_lba_of(q)));
	}
	if (t->n == PART_MAX) {
		if (p->dropped++ == 0)
			p->first_dropped = np->number;
		return true;
	}
	t->part[t->n++] = *np;
	return true;
}

/* ---- MBR ---- */

struct mbr_entry {
	uint8_t status, type;
	uint32_t first, count;
};

static bool has_mbr_signature(const uint8_t *sector)
{
	return sector[MBR_SIGNATURE_OFFSET] == 0x55 &&
	       sector[MBR_SIGNATURE_OFFSET + 1] == 0xAA;
}

static void mbr_entry_read(const uint8_t *sector, unsigned slot,
			   struct mbr_entry *e)
{
	const uint8_t *b = sector + MBR_ENTRIES_OFFSET + slot * MBR_ENTRY_SIZE;

	e->status = b[MBR_ENTRY_STATUS];
	e->type = b[MBR_ENTRY_TYPE];
	e->first = le32(b + MBR_ENTRY_FIRST);
	e->count = le32(b + MBR_ENTRY_COUNT);
}

/* Type 0 or no sectors: nothing there, whatever the other fields say. */
static bool mbr_entry_empty(const struct mbr_entry *e)
{
	return e->type == MBR_TYPE_EMPTY || e->count == 0;
}

static bool mbr_type_extended(uint8_t type)
{
	return type == MBR_TYPE_EXTENDED_CHS || type == MBR_TYPE_EXTENDED_LBA ||
	       type == MBR_TYPE_EXTENDED_LINUX;
}

/* An EBR must not sit inside a logical partition found earlier in the
 * chain: writing that partition would rewrite the chain. */
static bool ebr_outside_logicals(struct parse *p, uint64_t ebr)
{
	for (unsigned i = 0; i < p->t->n; i++) {
		const struct partition *q = &p->t->part[i];

		if (q->number >= MBR_FIRST_LOGICAL && ebr >= q->first_lba &&
		    ebr <= last_lba_of(q))
			return fail(p,
				    "the EBR at LBA %llu lies inside partition "
				    "%u (LBA %llu-%llu)",
				    lba_arg(ebr), q->number,
				    lba_arg(q->first_lba),
				    lba_arg(last_lba_of(q)));
	}
	return true;
}

/* The extended partition being walked, and the EBRs seen on the way, as
 * offsets from its first LBA (the links are 32-bit offsets too). */
struct ebr_chain {
	unsigned number; /* of the extended partition, 1-4 */
	uint64_t first, last;
	uint32_t seen[MBR_MAX_EBRS];
	unsigned nseen;
};

/* The logical partition of the EBR at `ebr`: its first LBA counts from
 * that EBR, and it must stay inside the extended partition and off every
 * EBR of the chain. */
static bool add_logical(struct parse *p, const struct ebr_chain *c,
			uint64_t ebr, const struct mbr_entry *e,
			unsigned number)
{
	struct partition np = { 0 };
	uint64_t last;

	if (mbr_type_extended(e->type))
		return fail(p,
			    "the EBR at LBA %llu describes an extended "
			    "partition (type 0x%02x) where its logical "
			    "partition belongs",
			    lba_arg(ebr), e->type);
	np.number = number;
	np.first_lba = ebr + e->first;
	np.sectors = e->count;
	np.mbr_type = e->type;
	last = last_lba_of(&np);
	if (e->first == 0)
		return fail(p,
			    "partition %u starts at LBA %llu, on its own EBR",
			    number, lba_arg(ebr));
	if (last > c->last)
		return fail(p,
			    "partition %u (LBA %llu-%llu) runs past the end of "
			    "the extended partition %u (LBA %llu-%llu)",
			    number, lba_arg(np.first_lba), lba_arg(last),
			    c->number, lba_arg(c->first), lba_arg(c->last));
	for (unsigned i = 0; i < c->nseen; i++) {
		uint64_t other = c->first + c->seen[i];

		if (other >= np.first_lba && other <= last)
			return fail(p,
				    "partition %u (LBA %llu-%llu) covers the "
				    "EBR at LBA %llu",
				    number, lba_arg(np.first_lba),
				    lba_arg(last), lba_arg(other));
	}
	return add_partition(p, &np);
}

/*
 * The logical partitions: a chain of EBRs, the first at the start of the
 * extended partition.  Each EBR's first entry is a logical partition (its
 * LBA relative to that EBR) and its second, if not empty, links to the
 * next EBR (its LBA relative to the extended partition); the other two
 * entries are unused and ignored.
 *
 * A link may point backward: fdisk appends a new logical partition to the
 * end of the chain even when it lies before the others on the disk.  What
 * a link may not do is leave the extended partition or come back to an
 * EBR already read (a loop, including an EBR naming itself); every EBR's
 * offset is remembered to see that, and the chain's length is bounded.
 */
static bool walk_ebr_chain(struct parse *p, unsigned ext_number,
			   const struct mbr_entry *ext)
{
	struct ebr_chain c = { .number = ext_number, .first = ext->first };
	unsigned number = MBR_FIRST_LOGICAL;
	uint32_t offset = 0;

	c.last = c.first + ext->count - 1;
	for (;;) {
		uint64_t ebr = c.first + offset;
		struct mbr_entry logical, link;

		if (c.nseen == MBR_MAX_EBRS)
			return fail(p,
				    "the extended partition %u has more than "
				    "%u EBRs in its chain",
				    ext_number, MBR_MAX_EBRS);
		if (!ebr_outside_logicals(p, ebr) || !read_sectors(p, ebr, 1))
			return false;
		if (!has_mbr_signature(p->buf))
			return fail(p,
				    "the EBR at LBA %llu has no 0x55AA "
				    "signature",
				    lba_arg(ebr));
		c.seen[c.nseen++] = offset;
		mbr_entry_read(p->buf, 0, &logical);
		mbr_entry_read(p->buf, 1, &link);

		if (!mbr_entry_empty(&logical)) {
			if (!add_logical(p, &c, ebr, &logical, number))
				return false;
			number++;
			if (p->dropped)
				return true; /* the table is full: stop */
		}

		if (mbr_entry_empty(&link))
			return true;
		if (!mbr_type_extended(link.type))
			return fail(p,
				    "the EBR at LBA %llu links to the next one "
				    "with type 0x%02x, not an extended type",
				    lba_arg(ebr), link.type);
		if (link.first >= ext->count)
			return fail(p,
				    "the EBR at LBA %llu links to LBA %llu, "
				    "outside the extended partition %u "
				    "(LBA %llu-%llu)",
				    lba_arg(ebr), lba_arg(c.first + link.first),
				    ext_number, lba_arg(c.first),
				    lba_arg(c.last));
		for (unsigned i = 0; i < c.nseen; i++)
			if (c.seen[i] == link.first)
				return fail(p,
					    "the EBR at LBA %llu links back "
					    "to the EBR at LBA %llu: the "
					    "chain loops",
					    lba_arg(ebr),
					    lba_arg(c.first + link.first));
		offset = link.first;
	}
}

/* A primary entry (or the extended one) must lie on the disk, after the
 * MBR itself. */
static bool mbr_check_range(struct parse *p, unsigned number,
			    const struct mbr_entry *e)
{
	uint64_t last = (uint64_t)e->first + e->count - 1;

	if (e->first == 0)
		return fail(p, "partition %u starts at LBA 0, over the MBR",
			    number);
	if (last >= p->sectors)
		return fail(p,
			    "partition %u ends at LBA %llu, past the disk's "
			    "last LBA %llu",
			    number, lba_arg(last), lba_arg(p->sectors - 1));
	return true;
}

static bool parse_gpt(struct parse *p);

/*
 * LBA 0.  Without 0x55AA it holds no table.  With it, every entry's
 * status byte is 0x00 or 0x80 in a real MBR; anything else means the
 * sector is a boot sector that carries the signature too (a FAT or NTFS
 * volume filling the whole disk, a "superfloppy"), whose "entries" are
 * boot code: no table either, as Linux also decides.
 */
static bool parse_mbr(struct parse *p)
{
	struct mbr_entry e[MBR_SLOTS];
	int ext = -1; /* slot of the extended partition */

	if (!read_sectors(p, 0, 1))
		return false;
	if (!has_mbr_signature(p->buf))
		return true;
	for (unsigned i = 0; i < MBR_SLOTS; i++) {
		mbr_entry_read(p->buf, i, &e[i]);
		if (e[i].status != MBR_STATUS_INACTIVE &&
		    e[i].status != MBR_STATUS_ACTIVE) {
			note_add(p,
				 "LBA 0 ends in 0x55AA but entry %u has "
				 "status 0x%02x: a boot sector, not a "
				 "partition table",
				 i + 1, e[i].status);
			return true;
		}
	}
	/* A protective entry means GPT, even beside other entries (a
	 * "hybrid MBR"): the GPT is the table, the rest is for old tools. */
	for (unsigned i = 0; i < MBR_SLOTS; i++)
		if (!mbr_entry_empty(&e[i]) &&
		    e[i].type == MBR_TYPE_GPT_PROTECTIVE)
			return parse_gpt(p);

	p->t->scheme = PART_MBR;
	for (unsigned i = 0; i < MBR_SLOTS; i++) {
		struct partition np = { 0 };

		if (mbr_entry_empty(&e[i]))
			continue;
		if (!mbr_check_range(p, i + 1, &e[i]))
			return false;
		if (mbr_type_extended(e[i].type)) {
			if (ext >= 0)
				return fail(p,
					    "partitions %d and %u are both "
					    "extended; an MBR may have one",
					    ext + 1, i + 1);
			ext = (int)i;
			continue;
		}
		np.number = i + 1;
		np.first_lba = e[i].first;
		np.sectors = e[i].count;
		np.mbr_type = e[i].type;
		if (!add_partition(p, &np))
			return false;
	}
	if (ext < 0)
		return true;

	/* The extended partition is a container, not kept as a partition
	 * itself (a guest given it would see the logical ones too); but no
	 * primary may overlap it. */
	for (unsigned i = 0; i < p->t->n; i++) {
		const struct partition *q = &p->t->part[i];
		uint64_t ext_last = (uint64_t)e[ext].first + e[ext].count - 1;

		if (ranges_overlap(q->first_lba, last_lba_of(q), e[ext].first,
				   ext_last))
			return fail(p,
				    "partition %u (LBA %llu-%llu) overlaps the "
				    "extended partition %d (LBA %llu-%llu)",
				    q->number, lba_arg(q->first_lba),
				    lba_arg(last_lba_of(q)), ext + 1,
				    lba_arg(e[ext].first), lba_arg(ext_last));
	}
	return walk_ebr_chain(p, (unsigned)ext + 1, &e[ext]);
}

/* ---- GPT ---- */

struct gpt_header {
	uint64_t my_lba, first_usable, last_usable, entries_lba;
	uint32_t num_entries, entry_size, entries_crc;
};

/* How a GPT copy fared.  DAMAGED is what the backup exists for (a bad
 * header, a bad CRC, a failed read); INVALID is a table that is intact but
 * describes impossible partitions: its backup is a copy of the same
 * mistake, or an older table that no longer matches the data, so it is
 * not consulted. */
enum gpt_result { GPT_OK, GPT_DAMAGED, GPT_INVALID };

/* Where the usable LBAs and the entry array may lie: LBA 0 is the MBR, and
 * LBA 1 and the last LBA hold the two headers, so both the partitions and
 * the array live in between (LBAs 2 to last - 1), apart from each other.
 * (p->sectors - 2 cannot wrap: a header was read at LBA 1 or later.) */
static bool gpt_check_layout(struct parse *p, const struct gpt_header *h)
{
	uint64_t array_first = h->entries_lba, array_last, array_sectors;
	uint32_t size = h->entry_size;

	if (h->first_usable > h->last_usable)
		return fail(p,
			    "GPT first usable LBA %llu is after the last "
			    "usable LBA %llu",
			    lba_arg(h->first_usable), lba_arg(h->last_usable));
	if (h->first_usable < 2 || h->last_usable > p->sectors - 2)
		return fail(p,
			    "GPT usable LBAs %llu-%llu are not inside LBAs "
			    "2-%llu of the disk",
			    lba_arg(h->first_usable), lba_arg(h->last_usable),
			    lba_arg(p->sectors - 2));
	if (h->num_entries > GPT_MAX_ENTRIES)
		return fail(p,
			    "GPT has %u partition entries; at most %u are "
			    "supported",
			    h->num_entries, GPT_MAX_ENTRIES);
	if (size < GPT_ENTRY_MIN_SIZE || size > GPT_ENTRY_MAX_SIZE ||
	    (size & (size - 1)) != 0)
		return fail(p,
			    "GPT partition entry size %u is not a power of "
			    "two from %u to %u",
			    size, GPT_ENTRY_MIN_SIZE, GPT_ENTRY_MAX_SIZE);
	if (h->num_entries == 0)
		return true; /* an empty table: no array to place */

	/* At most 1024 entries of 4096 bytes: 32-bit arithmetic is enough. */
	array_sectors =
		(h->num_entries * size + p->sector_size - 1) / p->sector_size;
	if (array_first < 2 || array_first > p->sectors - 2 ||
	    array_sectors > p->sectors - 1 - array_first)
		return fail(p,
			    "GPT partition entries at LBA %llu (%llu sectors) "
			    "are not inside LBAs 2-%llu of the disk",
			    lba_arg(array_first), lba_arg(array_sectors),
			    lba_arg(p->sectors - 2));
	array_last = array_first + array_sectors - 1;
	if (ranges_overlap(array_first, array_last, h->first_usable,
			   h->last_usable))
		return fail(p,
			    "GPT partition entries (LBA %llu-%llu) overlap the "
			    "usable LBAs %llu-%llu",
			    lba_arg(array_first), lba_arg(array_last),
			    lba_arg(h->first_usable), lba_arg(h->last_usable));
	return true;
}

/* The header at `lba`: signature, revision, size, CRC, where it says it
 * is, then the layout it describes. */
static bool gpt_read_header(struct parse *p, uint64_t lba, struct gpt_header *h)
{
	static const uint8_t zero_crc[4];
	const uint8_t *b = p->buf;
	uint32_t revision, size, stored, computed;

	if (!read_sectors(p, lba, 1))
		return false;
	if (hv_memcmp(b, GPT_SIGNATURE, 8) != 0)
		return fail(p, "no GPT header (\"EFI PART\") at LBA %llu",
			    lba_arg(lba));
	/* 1.0 is the only revision there is; a new minor one would only
	 * add fields past the ones we read, a new major one could move
	 * them. */
	revision = le32(b + GPT_HEADER_REVISION);
	if (revision >> 16 != 1)
		return fail(p, "GPT header revision 0x%08x is not 1.x",
			    revision);
	size = le32(b + GPT_HEADER_SIZE);
	if (size < GPT_HEADER_MIN_SIZE || size > p->sector_size)
		return fail(p, "GPT header size %u is not %u-%u", size,
			    GPT_HEADER_MIN_SIZE, p->sector_size);
	/* The CRC covers the header's `size` bytes with its own field taken
	 * as zero: computed in three pieces, so the sector is left as read. */
	stored = le32(b + GPT_HEADER_CRC);
	computed = crc32_ieee(0, b, GPT_HEADER_CRC);
	computed = crc32_ieee(computed, zero_crc, sizeof(zero_crc));
	computed = crc32_ieee(computed, b + GPT_HEADER_CRC + 4,
			      size - GPT_HEADER_CRC - 4);
	if (stored != computed)
		return fail(p,
			    "GPT header CRC mismatch (stored 0x%08x, "
			    "computed 0x%08x)",
			    stored, computed);

	h->my_lba = le64(b + GPT_HEADER_MY_LBA);
	h->first_usable = le64(b + GPT_HEADER_FIRST_USABLE);
	h->last_usable = le64(b + GPT_HEADER_LAST_USABLE);
	h->entries_lba = le64(b + GPT_HEADER_ENTRIES_LBA);
	h->num_entries = le32(b + GPT_HEADER_NUM_ENTRIES);
	h->entry_size = le32(b + GPT_HEADER_ENTRY_SIZE);
	h->entries_crc = le32(b + GPT_HEADER_ENTRIES_CRC);
	/* A copy of a header found elsewhere (the primary read from the
	 * backup's place, say) is not this header. */
	if (h->my_lba != lba)
		return fail(p, "GPT header at LBA %llu says it is at LBA %llu",
			    lba_arg(lba), lba_arg(h->my_lba));
	return gpt_check_layout(p, h);
}

/* The name: UTF-16LE up to the first NUL unit.  Printable ASCII is kept;
 * every other character becomes one '?' (a surrogate pair is one
 * character), so the label prints safely on the console. */
static void gpt_label(const uint8_t *name, char out[PART_LABEL_MAX])
{
	unsigned n = 0;

	for (unsigned i = 0; i < GPT_ENTRY_NAME_UNITS; i++) {
		uint16_t unit = le16(name + 2 * i);

		if (unit == 0)
			break;
		if (unit >= 0xD800 && unit <= 0xDBFF &&
		    i + 1 < GPT_ENTRY_NAME_UNITS) {
			uint16_t next = le16(name + 2 * (i + 1));

			if (next >= 0xDC00 && next <= 0xDFFF)
				i++;
		}
		out[n++] = unit >= 0x20 && unit < 0x7F ? (char)unit : '?';
	}
	out[n] = 0;
}

static bool all_zero(const uint8_t *b, size_t n)
{
	while (n--)
		if (*b++)
			return false;
	return true;
}

/* Entry `number` (its index + 1): unused if its type is all zero, else a
 * partition inside the usable LBAs that misses the others. */
static bool gpt_entry(struct parse *p, const struct gpt_header *h,
		      const uint8_t *e, unsigned number)
{
	struct partition np = { 0 };
	uint64_t first, last;

	if (all_zero(e + GPT_ENTRY_TYPE, 16))
		return true;
	first = le64(e + GPT_ENTRY_FIRST);
	last = le64(e + GPT_ENTRY_LAST);
	if (first > last)
		return fail(p,
			    "partition %u starts at LBA %llu, after its end at "
			    "LBA %llu",
			    number, lba_arg(first), lba_arg(last));
	if (first < h->first_usable)
		return fail(p,
			    "partition %u starts at LBA %llu, before the first "
			    "usable LBA %llu",
			    number, lba_arg(first), lba_arg(h->first_usable));
	if (last > h->last_usable)
		return fail(p,
			    "partition %u ends at LBA %llu, past the last "
			    "usable LBA %llu",
			    number, lba_arg(last), lba_arg(h->last_usable));
	np.number = number;
	np.first_lba = first;
	np.sectors = last - first + 1;
	hv_memcpy(np.type_guid, e + GPT_ENTRY_TYPE, 16);
	hv_memcpy(np.uuid, e + GPT_ENTRY_UUID, 16);
	gpt_label(e + GPT_ENTRY_NAME, np.label);
	return add_partition(p, &np);
}

/*
 * The entry array, read in runs of at most PART_SCRATCH bytes, its CRC
 * computed as the runs come.  A run is PART_SCRATCH bytes or what is left
 * of the array, and both are whole entries (the array is num_entries
 * whole entries, and PART_SCRATCH is a multiple of any entry size up to
 * GPT_ENTRY_MAX_SIZE), so no entry is split between two runs.
 *
 * The entries are checked as they come, but a problem with one is only
 * the verdict if the CRC then matches: in a damaged array the CRC
 * mismatch is the real story, and the backup may be whole.
 */
static enum gpt_result gpt_read_entries(struct parse *p,
					const struct gpt_header *h)
{
	uint32_t left = h->num_entries * h->entry_size; /* <= 4 MiB */
	uint32_t run_sectors = PART_SCRATCH / p->sector_size;
	uint64_t lba = h->entries_lba;
	unsigned number = 1;
	uint32_t crc = 0;
	bool refused = false;

	while (left > 0) {
		uint32_t sectors = MIN(run_sectors, (left + p->sector_size -
						     1) / p->sector_size);
		uint32_t bytes = MIN(left, sectors * p->sector_size);

		if (!read_sectors(p, lba, sectors))
			return GPT_DAMAGED;
		crc = crc32_ieee(crc, p->buf, bytes);
		for (uint32_t off = 0; off < bytes; off += h->entry_size) {
			if (!refused && !gpt_entry(p, h, p->buf + off, number))
				refused = true;
			number++;
		}
		left -= bytes;
		lba += sectors;
	}
	if (crc != h->entries_crc) {
		fail(p,
		     "GPT partition entries CRC mismatch (stored 0x%08x, "
		     "computed 0x%08x)",
		     h->entries_crc, crc);
		return GPT_DAMAGED;
	}
	return refused ? GPT_INVALID : GPT_OK;
}

/* One copy of the GPT, its header at `lba`, into a fresh table; the
 * reason for anything but GPT_OK in `why`. */
static enum gpt_result gpt_try(struct parse *p, uint64_t lba, char *why,
			       size_t whylen)
{
	char *err = p->err;
	size_t errlen = p->errlen;
	struct gpt_header h = { 0 };
	enum gpt_result r;

	hv_memset(p->t, 0, sizeof(*p->t));
	p->t->scheme = PART_GPT;
	p->dropped = 0;
	p->err = why;
	p->errlen = whylen;
	why[0] = 0;
	if (!gpt_read_header(p, lba, &h))
		r = GPT_DAMAGED;
	else
		r = gpt_read_entries(p, &h);
	p->err = err;
	p->errlen = errlen;
	return r;
}

/*
 * The primary GPT at LBA 1, or if it is damaged the backup at the disk's
 * last LBA (where its MyLBA must say it is; its entries are wherever its
 * header puts them, usually just before it).  The spec's recovery path:
 * we only read, so the damaged primary stays as it is, and the note says
 * so for someone to repair it.
 */
static bool parse_gpt(struct parse *p)
{
	char primary_why[128], backup_why[128];
	uint64_t backup = p->sectors - 1;

	switch (gpt_try(p, GPT_PRIMARY_LBA, primary_why, sizeof(primary_why))) {
	case GPT_OK:
		return true;
	case GPT_INVALID:
		return fail(p, "%s", primary_why);
	case GPT_DAMAGED:
		break;
	}
	if (backup <= GPT_PRIMARY_LBA)
		return fail(p,
			    "primary GPT damaged (%s), and the disk has no "
			    "room for a backup",
			    primary_why);
	switch (gpt_try(p, backup, backup_why, sizeof(backup_why))) {
	case GPT_OK:
		note_add(p,
			 "primary GPT damaged (%s); using the backup at "
			 "LBA %llu",
			 primary_why, lba_arg(backup));
		return true;
	case GPT_INVALID:
		return fail(p,
			    "primary GPT damaged (%s); the backup at LBA "
			    "%llu: %s",
			    primary_why, lba_arg(backup), backup_why);
	case GPT_DAMAGED:
		break;
	}
	/* The two copies usually break the same way (one tool wrote both):
	 * then one reason says it all. */
	if (hv_strcmp(primary_why, backup_why) == 0)
		return fail(p, "both GPT copies damaged: %s", primary_why);
	return fail(p,
		    "primary GPT damaged (%s); the backup at LBA %llu too "
		    "(%s)",
		    primary_why, lba_arg(backup), backup_why);
}

bool partition_parse(uint64_t sectors, uint32_t sector_size, part_read_fn read,
		     void *ctx, void *scratch, struct partition_table *t,
		     char *err, size_t errlen, char *note, size_t notelen)
{
	struct parse p = {
		.read = read,
		.ctx = ctx,
		.buf = scratch,
		.sectors = sectors,
		.sector_size = sector_size,
		.t = t,
		.err = err,
		.errlen = errlen,
		.note = note,
		.notelen = notelen,
	};
	bool ok;

	hv_memset(t, 0, sizeof(*t));
	t->scheme = PART_NONE;
	if (errlen)
		err[0] = 0;
	if (notelen)
		note[0] = 0;
	if (sector_size != 512 && sector_size != 4096)
		return fail(&p,
			    "%u-byte sectors are not supported (only 512 "
			    "and 4096)",
			    sector_size);
	if (sectors == 0)
		return true; /* nothing to read, so no table */

	ok = parse_mbr(&p);
	if (ok && p.dropped)
		note_add(&p,
			 "more than %u partitions: partition %u and any after "
			 "it are ignored",
			 PART_MAX, p.first_dropped);
	if (!ok) {
		/* No half-filled table, and no note about one. */
		hv_memset(t, 0, sizeof(*t));
		t->scheme = PART_NONE;
		if (notelen)
			note[0] = 0;
	}
	return ok;
}

/* ---- GUIDs ---- */

/* The text names the 16 bytes in this order: the first three fields are
 * stored little-endian, the last two (8 bytes) as they read. */
static const uint8_t guid_text_order[16] = { 3, 2, 1,  0,  5,  4,  7,  6,
					     8, 9, 10, 11, 12, 13, 14, 15 };

/* Before text bytes 4, 6, 8 and 10 comes a '-': 8-4-4-4-12 digits. */
static bool guid_dash_before(unsigned k)
{
	return k == 4 || k == 6 || k == 8 || k == 10;
}

bool part_parse_guid(const char *s, size_t len, uint8_t out[16])
{
	uint8_t g[16];
	size_t pos = 0;

	if (len != 36)
		return false;
	for (unsigned k = 0; k < 16; k++) {
		int hi, lo;

		if (guid_dash_before(k) && s[pos++] != '-')
			return false;
		hi = parse_hex_digit(s[pos]);
		lo = parse_hex_digit(s[pos + 1]);
		if (hi < 0 || lo < 0)
			return false;
		g[guid_text_order[k]] = (uint8_t)(hi << 4 | lo);
		pos += 2;
	}
	hv_memcpy(out, g, sizeof(g)); /* out is untouched on failure */
	return true;
}

void part_format_guid(const uint8_t g[16], char out[37])
{
	static const char digits[] = "0123456789abcdef";
	size_t pos = 0;

	for (unsigned k = 0; k < 16; k++) {
		uint8_t b = g[guid_text_order[k]];

		if (guid_dash_before(k))
			out[pos++] = '-';
		out[pos++] = digits[b >> 4];
		out[pos++] = digits[b & 15];
	}
	out[pos] = 0;
}
