/*
 * volume.c - [Storage 7] disk=DEV: which part of which disk a guest gets
 * (see volume.h).
 *
 * A disk's partition table is read the first time a guest names one of
 * its partitions, and kept: the table is the disk's, and every guest
 * that names it must see the same one.  Tables come from the disk and
 * are hostile input like everything a guest could have written there;
 * partition.c checks them.
 *
 * Two guests may share sectors only to read them.  The writable ranges
 * are what a guest's file system assumes nobody else changes: a second
 * writer, or a reader of a range being written, would see (or make) a
 * file system torn in the middle of its updates.
 */
#include "hv/storage/volume.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"
#include "hv/mm/pmem_hv.h"
#include "hv/setup/options.h"
#include "hv/storage/partition.h"

#define MAX_TABLES 8 /* disks whose tables are kept */
#define MAX_OPEN (MAX_GUESTS * 2)

struct disk_table {
	struct disk *disk;
	bool ok;
	char err[96];
	struct partition_table t;
};

static struct disk_table tables[MAX_TABLES];
static struct volume *open_volumes[MAX_OPEN];
static void *scratch; /* PART_SCRATCH bytes, DMA-able, for table reads */

static bool read_sectors(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct disk *d = ctx;

	while (count) {
		uint32_t n = MIN(count, d->max_sectors);

		if (!disk_io_sync(d, DISK_READ, lba, n, buf))
			return false;
		lba += n;
		count -= n;
		buf = (uint8_t *)buf + n * d->sector_size;
	}
	return true;
}

/* The disk's partition table, parsed once; NULL when it cannot be, with
 * the reason said unless `quiet` (a search over every disk, which says
 * it only if nothing matched). */
static const struct partition_table *table_of(struct disk *d, const char *guest,
					      bool quiet)
{
	struct disk_table *dt = NULL;
	char note[96] = "";

	for (unsigned i = 0; i < MAX_TABLES; i++)
		if (tables[i].disk == d || !tables[i].disk) {
			dt = &tables[i];
			break;
		}
	if (!dt) {
		printk("hv: guest %s: partitions on more than %u disks are "
		       "not supported\n",
		       guest, MAX_TABLES);
		return NULL;
	}
	if (!dt->disk) {
		if (!scratch)
			scratch =
				pages_alloc_contig(PART_SCRATCH / PAGE_SIZE, 1);
		dt->disk = d;
		if (!scratch)
			hv_strlcpy(dt->err, "no memory to read it",
				   sizeof(dt->err));
		else
			dt->ok = partition_parse(
				d->sectors, d->sector_size, read_sectors, d,
				scratch, &dt->t, dt->err, sizeof(dt->err), note,
				sizeof(note));
		if (note[0])
			printk("hv: disk %s: %s\n", d->name, note);
	}
	if (!dt->ok) {
		if (!quiet)
			printk("hv: guest %s: the partition table of %s does "
			       "not parse: %s\n",
			       guest, d->name, dt->err);
		return NULL;
	}
	return &dt->t;
}

bool volume_split_name(const char *spec, size_t len,
		       bool (*known)(const char *, size_t), size_t *disk_len,
		       unsigned *part)
{
	if (known(spec, len)) {
		*disk_len = len;
		*part = 0;
		return true;
	}
	/* "<disk>p<number>", the number 1 to 999 without leading zeros. */
	for (size_t i = len; i-- > 1;) {
		unsigned n = 0;
		size_t digits = len - i - 1;

		if (spec[i] != 'p')
			continue;
		if (digits == 0 || digits > 3 || spec[i + 1] == '0')
			return false;
		for (size_t k = i + 1; k < len; k++) {
			if (spec[k] < '0' || spec[k] > '9')
				return false;
			n = n * 10 + (unsigned)(spec[k] - '0');
		}
		if (!known(spec, i))
			return false;
		*disk_len = i;
		*part = n;
		return true;
	}
	return false;
}

static bool disk_known(const char *name, size_t len)
{
	return disk_find(name, len) != NULL;
}

/* label:NAME or uuid:GUID, over every disk; exactly one must match. */
static bool find_gpt(const char *key, size_t klen, bool by_label,
		     const char *guest, const char *spec, struct disk **disk,
		     const struct partition **part)
{
	struct disk *unreadable = NULL;
	uint8_t guid[16];
	unsigned found = 0;

	if (!by_label && !part_parse_guid(key, klen, guid)) {
		printk("hv: guest %s: disk=%s: not a GUID (want "
		       "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)\n",
		       guest, spec);
		return false;
	}
	for (struct disk *d = disk_first(); d; d = d->next) {
		const struct partition_table *t = table_of(d, guest, true);

		if (!t) {
			unreadable = d;
			continue;
		}
		if (t->scheme != PART_GPT)
			continue;
		for (unsigned i = 0; i < t->n; i++) {
			const struct partition *p = &t->part[i];
			bool match = by_label ? hv_strlen(p->label) == klen &&
							!hv_strncmp(p->label,
								    key, klen)
					      : !hv_memcmp(p->uuid, guid, 16);
			if (!match)
				continue;
			if (found++) {
				printk("hv: guest %s: disk=%s: more than one "
				       "partition matches (%s and %sp%u)\n",
				       guest, spec, (*disk)->name, d->name,
				       p->number);
				return false;
			}
			*disk = d;
			*part = p;
		}
	}
	if (!found) {
		printk("hv: guest %s: disk=%s: no GPT partition has that %s\n",
		       guest, spec, by_label ? "name" : "GUID");
		if (unreadable) /* it may have been there: say why not */
			IGNORE_RESULT(table_of(unreadable, guest, false),
				      "called to print the reason");
	}
	return found == 1;
}

/* Which disk and which sectors spec names; false with the reason said. */
static bool resolve(struct volume *v, const char *spec, const char *guest)
{
	size_t len = hv_strlen(spec), dlen;
	const struct partition *p = NULL;
	struct disk *d = NULL;
	unsigned number;

	if (!hv_strncmp(spec, "label:", 6) || !hv_strncmp(spec, "uuid:", 5)) {
		bool label = spec[0] == 'l';
		size_t skip = label ? 6 : 5;

		if (!find_gpt(spec + skip, len - skip, label, guest, spec, &d,
			      &p))
			return false;
		number = p->number;
	} else {
		if (!volume_split_name(spec, len, disk_known, &dlen, &number)) {
			printk("hv: guest %s: disk=%s: no such disk (disks: ",
			       guest, spec);
			for (struct disk *k = disk_first(); k; k = k->next)
				printk("%s%s", k->name, k->next ? ", " : "");
			printk("%s)\n", disk_first() ? "" : "none found");
			return false;
		}
		d = disk_find(spec, dlen);
		if (number) {
			const struct partition_table *t =
				table_of(d, guest, false);

			if (!t)
				return false;
			for (unsigned i = 0; i < t->n; i++)
				if (t->part[i].number == number)
					p = &t->part[i];
			if (!p) {
				printk("hv: guest %s: disk=%s: %s has no "
				       "partition %u\n",
				       guest, spec, d->name, number);
				return false;
			}
		}
	}
	v->disk = d;
	v->first = p ? p->first_lba : 0;
	v->sectors = p ? p->sectors : d->sectors;
	if (p)
		hv_snprintf(v->name, sizeof(v->name), "%sp%u", d->name, number);
	else
		hv_strlcpy(v->name, d->name, sizeof(v->name));
	return true;
}

static bool overlaps(const struct volume *a, const struct volume *b)
{
	return a->disk == b->disk && a->first < b->first + b->sectors &&
	       b->first < a->first + a->sectors;
}

/* Refuse a range someone else holds in a way that clashes with ours. */
static bool claim(struct volume *v, const char *guest)
{
	int slot = -1;

	for (int i = 0; i < MAX_OPEN; i++) {
		const struct volume *o = open_volumes[i];

		if (!o) {
			if (slot < 0)
				slot = i;
			continue;
		}
		if (!overlaps(o, v) || (o->readonly && v->readonly))
			continue;
		printk("hv: guest %s: disk %s overlaps %s, which guest %s "
		       "holds%s; a disk may be shared only read-only\n",
		       guest, v->name, o->name, o->owner,
		       o->readonly ? " read-only" : " writable");
		return false;
	}
	if (slot < 0) {
		printk("hv: guest %s: too many open disks\n", guest);
		return false;
	}
	open_volumes[slot] = v;
	return true;
}

static bool alloc_bounce(struct volume *v, const char *guest)
{
	v->bounce = pages_alloc_contig(VOLUME_BOUNCE_BYTES / PAGE_SIZE, 1);
	if (!v->bounce) {
		printk("hv: guest %s: no memory for the disk's buffer\n",
		       guest);
		volume_close(v);
		return false;
	}
	return true;
}

bool volume_open(struct volume *v, const char *spec, bool readonly,
		 const char *guest)
{
	hv_memset(v, 0, sizeof(*v));
	if (!resolve(v, spec, guest))
		return false;
	v->readonly = readonly;
	v->owner = guest;
	if (v->sectors == 0) {
		printk("hv: guest %s: disk %s is empty\n", guest, v->name);
		return false;
	}
	if (!claim(v, guest))
		return false;
	return alloc_bounce(v, guest);
}

bool volume_open_ram(struct volume *v, struct disk *ram, bool readonly,
		     const char *guest)
{
	hv_memset(v, 0, sizeof(*v));
	v->disk = ram;
	v->sectors = ram->sectors;
	v->readonly = readonly;
	v->owner = guest;
	hv_strlcpy(v->name, "vda", sizeof(v->name));
	return alloc_bounce(v, guest);
}

void volume_close(struct volume *v)
{
	for (int i = 0; i < MAX_OPEN; i++)
		if (open_volumes[i] == v)
			open_volumes[i] = NULL;
	if (v->bounce)
		pages_free(v->bounce, VOLUME_BOUNCE_BYTES / PAGE_SIZE);
	v->bounce = NULL;
	v->disk = NULL;
}
