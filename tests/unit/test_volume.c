/*
 * test_volume.c - disk=DEV resolved to a volume (hv/storage/volume.c):
 * the names (whole disks, partitions, label:, uuid:), the sectors each
 * gives, the refusals with their messages, and the sharing rule (only
 * read-only parts are shared).
 *
 * The disks are registered for real (drivers/disk.c) but never read:
 * partition_parse() is replaced here by canned tables, one per disk, so
 * this tests the volume logic alone (test_partition.c tests the parser).
 *
 * The runner takes the rest of the next line as the sources to link.
 * UNIT_SOURCES: hv/storage/volume.c drivers/disk.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/storage/partition.h"
#include "hv/storage/volume.h"

/* ---- The hypervisor's services volume.c uses, as stand-ins. */

static char out[4096]; /* everything printed, in order */

void printk(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(out);

	va_start(ap, fmt);
	vsnprintf(out + n, sizeof(out) - n, fmt, ap);
	va_end(ap);
}

void *pages_alloc_contig(uint32_t count, uint32_t align)
{
	(void)align;
	return calloc(count, 4096);
}

void pages_free(void *first, uint32_t count)
{
	(void)count;
	free(first);
}

/* ---- Two disks, and their tables. */

static bool no_read(struct disk *d, struct disk_io *io)
{
	(void)d;
	(void)io;
	fail_msg("volume.c must not read the disk in this test");
	return false;
}

static const struct disk_ops ops = { .submit = no_read };
static struct disk sata0 = { .name = "sata0",
			     .sectors = 131072,
			     .sector_size = 512,
			     .max_sectors = 256,
			     .ops = &ops };
static struct disk nvme0n1 = { .name = "nvme0n1",
			       .sectors = 16384,
			       .sector_size = 4096,
			       .max_sectors = 32,
			       .ops = &ops };
static unsigned parses; /* how many times a table was "read" */

static const uint8_t data_uuid[16] = { 0x3a, 0x4c, 0x1b, 0x6f, 0xe2, 0x95,
				       0x7c, 0x4d, 0x8a, 0x51, 0x0b, 0x9e,
				       0x2d, 0x7c, 0x4f, 0x10 };

bool partition_parse(uint64_t sectors, uint32_t sector_size, part_read_fn read,
		     void *ctx, void *scratch, struct partition_table *t,
		     char *err, size_t errlen, char *note, size_t notelen)
{
	(void)sectors, (void)sector_size, (void)read, (void)scratch;
	(void)notelen;
	parses++;
	memset(t, 0, sizeof(*t));
	note[0] = 0;
	if (ctx == &nvme0n1) {
		snprintf(err, errlen, "GPT header CRC mismatch");
		return false;
	}
	/* sata0: GPT, "linux" 2048+16384, "data" 18432+32768 */
	t->scheme = PART_GPT;
	t->n = 2;
	t->part[0] = (struct partition){ .number = 1,
					 .first_lba = 2048,
					 .sectors = 16384,
					 .label = "linux" };
	t->part[1] = (struct partition){ .number = 2,
					 .first_lba = 18432,
					 .sectors = 32768,
					 .label = "data" };
	memcpy(t->part[1].uuid, data_uuid, 16);
	return true;
}

bool part_parse_guid(const char *s, size_t len, uint8_t g[16])
{
	/* Only the one GUID the tests use, in either case. */
	static const char text[] = "6f1b4c3a-95e2-4d7c-8a51-0b9e2d7c4f10";

	if (len != 36)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((s[i] | 0x20) != text[i] && s[i] != text[i])
			return false;
	memcpy(g, data_uuid, 16);
	return true;
}

static int setup_once(void **state)
{
	(void)state;
	disk_register(&sata0);
	disk_register(&nvme0n1);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	out[0] = 0;
	return 0;
}

static void assert_said(const char *want)
{
	if (!strstr(out, want))
		fail_msg("expected \"%s\" in \"%s\"", want, out);
}

/* ---- The cases. */

static void whole_disks(void **state)
{
	struct volume a, b;

	(void)state;
	assert_true(volume_open(&a, "sata0", false, "pv0"));
	assert_ptr_equal(a.disk, &sata0);
	assert_int_equal(a.first, 0);
	assert_int_equal(a.sectors, 131072);
	assert_string_equal(a.name, "sata0");
	assert_false(a.readonly);
	assert_non_null(a.bounce);
	/* A whole disk needs no table: the unreadable one is not read. */
	assert_true(volume_open(&b, "nvme0n1", true, "pv1"));
	assert_int_equal(b.sectors, 16384);
	assert_true(b.readonly);
	assert_string_equal(out, "");
	volume_close(&a);
	volume_close(&b);
}

static void partitions_by_number_label_and_uuid(void **state)
{
	struct volume v;

	(void)state;
	assert_true(volume_open(&v, "sata0p2", false, "pv0"));
	assert_int_equal(v.first, 18432);
	assert_int_equal(v.sectors, 32768);
	assert_string_equal(v.name, "sata0p2");
	volume_close(&v);
	assert_true(volume_open(&v, "label:linux", false, "pv0"));
	assert_int_equal(v.first, 2048);
	assert_string_equal(v.name, "sata0p1");
	volume_close(&v);
	assert_true(volume_open(&v, "uuid:6F1B4C3A-95E2-4D7C-8A51-0B9E2D7C4F10",
				true, "pv0"));
	assert_string_equal(v.name, "sata0p2");
	volume_close(&v);
	/* Each table was read once, and kept; the search by name passed
	 * over the unreadable one without a word. */
	assert_int_equal(parses, 2);
	assert_string_equal(out, "");
}

static void missing_names(void **state)
{
	struct volume v;

	(void)state;
	assert_false(volume_open(&v, "sata7", false, "pv2"));
	assert_said("hv: guest pv2: disk=sata7: no such disk (disks: sata0, "
		    "nvme0n1)\n");
	assert_false(volume_open(&v, "sata0p9", false, "pv2"));
	assert_said("hv: guest pv2: disk=sata0p9: sata0 has no partition 9\n");
	assert_false(volume_open(&v, "sata0p0", false, "pv2"));
	assert_false(volume_open(&v, "sata0p02", false, "pv2"));
	assert_false(volume_open(&v, "label:nosuch", false, "pv2"));
	assert_said("disk=label:nosuch: no GPT partition has that name\n"
		    "hv: guest pv2: the partition table of nvme0n1 does not "
		    "parse: GPT header CRC mismatch\n");
	assert_false(volume_open(&v, "uuid:not-a-guid", false, "pv2"));
	assert_said("disk=uuid:not-a-guid: not a GUID");
}

static void unreadable_table(void **state)
{
	struct volume v;

	(void)state;
	assert_false(volume_open(&v, "nvme0n1p1", false, "pv3"));
	assert_said("hv: guest pv3: the partition table of nvme0n1 does not "
		    "parse: GPT header CRC mismatch\n");
}

static void sharing(void **state)
{
	struct volume w, r1, r2, x;

	(void)state;
	assert_true(volume_open(&w, "sata0p2", false, "writer"));
	/* The same range, or one overlapping it, writable or not: no. */
	assert_false(volume_open(&x, "label:data", false, "twice"));
	assert_said("hv: guest twice: disk sata0p2 overlaps sata0p2, which "
		    "guest writer holds writable; a disk may be shared only "
		    "read-only\n");
	assert_false(volume_open(&x, "sata0", true, "whole"));
	assert_said("hv: guest whole: disk sata0 overlaps sata0p2");
	/* Another partition of the same disk: yes. */
	assert_true(volume_open(&x, "sata0p1", false, "other"));
	volume_close(&x);
	volume_close(&w);
	/* Two readers share; a writer then cannot join them. */
	assert_true(volume_open(&r1, "sata0p1", true, "r1"));
	assert_true(volume_open(&r2, "sata0", true, "r2"));
	assert_false(volume_open(&x, "sata0p1", false, "w"));
	assert_said("which guest r1 holds read-only");
	volume_close(&r1);
	assert_false(volume_open(&x, "sata0p1", false, "w"));
	volume_close(&r2);
	assert_true(volume_open(&x, "sata0p1", false, "w"));
	volume_close(&x);
}

static bool known(const char *s, size_t len)
{
	return (len == 5 && !strncmp(s, "sata0", 5)) ||
	       (len == 7 && !strncmp(s, "nvme0n1", 7));
}

static void split_names(void **state)
{
	size_t dlen;
	unsigned part;

	(void)state;
	assert_true(volume_split_name("nvme0n1p12", 10, known, &dlen, &part));
	assert_int_equal(dlen, 7);
	assert_int_equal(part, 12);
	assert_true(volume_split_name("sata0", 5, known, &dlen, &part));
	assert_int_equal(part, 0);
	assert_false(volume_split_name("sata0p", 6, known, &dlen, &part));
	assert_false(volume_split_name("sata0p1x", 8, known, &dlen, &part));
	assert_false(volume_split_name("sata0p1000", 10, known, &dlen, &part));
	assert_false(volume_split_name("sata1p1", 7, known, &dlen, &part));
	assert_false(volume_split_name("p1", 2, known, &dlen, &part));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(whole_disks),	  T(partitions_by_number_label_and_uuid),
		T(missing_names), T(unreadable_table),
		T(sharing),	  T(split_names),
	};
#undef T

	return cmocka_run_group_tests(tests, setup_once, NULL);
}
