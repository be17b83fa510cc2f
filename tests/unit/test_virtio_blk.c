/*
 * test_virtio_blk.c - the block device (virtio_blk.c; ABI section 11.11)
 * over a RAM disk (drivers/ramdisk.c), driven as the guest drives it:
 * requests laid out in the fake guest's RAM, announced through the
 * notify register, answered in the used ring and the status byte.
 *
 * The disk is an exact-size malloc'd buffer, so a transfer past its end
 * is an ASan report rather than a silent overwrite; every refused request
 * is also checked to have left both the disk and the guest's buffers
 * untouched.  Two cases hold it to bounded work per exit: requests
 * beyond one exit's budget go on over later ones (virtio_poll()).
 *
 * The runner takes the rest of the next line as the sources to link.
 * UNIT_SOURCES: hv/virtio/virtio_blk.c hv/virtio/virtqueue.c hv/virtio/virtio_pci.c hv/guest/guestmem.c drivers/ramdisk.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "drivers/disk.h"
#include "hv/storage/volume.h"
#include "tests/unit/fake_guest.h"

extern const struct virtio_ops virtio_blk_ops;

#define SECTORS 64u
#define DISK_BYTES (SECTORS * 512u)

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8

#define S_OK 0
#define S_IOERR 1
#define S_UNSUPP 2

/* Guest addresses of a request's parts. */
#define HDR FAKE_DATA
#define BUF (FAKE_DATA + 0x1000u)
#define STATUS_GPA (FAKE_DATA + 0x100u)

static struct disk ram;
static struct volume disk;		/* what the device is served from */
static uint8_t *image;			/* the disk's bytes */
static uint8_t original[DISK_BYTES];	/* what they were at the start */
static uint16_t next_desc;		/* next free descriptor */
static uint16_t used_seen;		/* used entries already checked */
static uint16_t chain_head, chain_last; /* the request being built */
static bool chain_open;

static uint8_t pattern(uint32_t off)
{
	return (uint8_t)(off * 7 + (off >> 9));
}

/* A RAM disk over img, whole, as volume_open_ram() makes it. */
static void make_volume(struct volume *v, struct disk *r, uint8_t *img,
			uint32_t bytes, bool readonly, const char *name)
{
	ramdisk_init(r, img, bytes);
	memset(v, 0, sizeof(*v));
	v->disk = r;
	v->sectors = r->sectors;
	v->readonly = readonly;
	strcpy(v->name, name);
	v->bounce = malloc(VOLUME_BOUNCE_BYTES);
	assert_non_null(v->bounce);
}

static void bring_up(bool readonly)
{
	image = malloc(DISK_BYTES);
	assert_non_null(image);
	for (uint32_t i = 0; i < DISK_BYTES; i++)
		image[i] = pattern(i);
	memcpy(original, image, DISK_BYTES);
	make_volume(&disk, &ram, image, DISK_BYTES, readonly, "vda");
	fake_guest_new(&virtio_blk_ops, &disk);
	/* SEG_MAX, BLK_SIZE and FLUSH (and RO on a read-only disk). */
	fake_driver_setup((1u << 2) | (1u << 6) | (1u << 9) |
				  (readonly ? 1u << 5 : 0),
			  256);
	next_desc = 0;
	used_seen = 0;
	chain_open = false;
}

static int setup(void **state)
{
	bring_up(false);
	return 0;
}

static int setup_ro(void **state)
{
	bring_up(true);
	return 0;
}

static int teardown(void **state)
{
	fake_guest_free();
	free(image);
	free(disk.bounce);
	disk.bounce = NULL;
	return 0;
}

/* ---- Building requests. ---- */

/* Append one descriptor to the request being built. */
static void add(uint32_t gpa, uint32_t len, bool device_writes)
{
	uint16_t i = next_desc++;

	set_desc(0, i, gpa, len, device_writes ? DESC_WRITE : 0, 0);
	if (!chain_open) {
		chain_head = i;
		chain_open = true;
	} else {
		uint32_t prev = FAKE_DESC(0) + 16u * chain_last;

		gput16(prev + 12, (uint16_t)(gget16(prev + 12) | DESC_NEXT));
		gput16(prev + 14, i);
	}
	chain_last = i;
}

static void put_header(uint32_t gpa, uint32_t type, uint64_t sector)
{
	gput32(gpa, type);
	gput32(gpa + 4, 0x1234); /* ioprio: ignored */
	gput64(gpa + 8, sector);
}

/* Offer the request and ring the doorbell; the device answers at once. */
static void submit(void)
{
	assert_true(chain_open);
	chain_open = false;
	avail_add(0, chain_head);
	bar_w(56, 2, 0);
}

/* The usual three-part request: header, one data buffer, status. */
static void request(uint32_t type, uint64_t sector, uint32_t len)
{
	put_header(HDR, type, sector);
	add(HDR, 16, false);
	if (len)
		add(BUF, len, type == T_IN || type == T_GET_ID);
	gput8(STATUS_GPA, 0xEE);
	add(STATUS_GPA, 1, true);
	submit();
}

/* The next used entry: it must be for `head`, with `len` written. */
static void expect_used(uint16_t head, uint32_t len)
{
	assert_int_equal((uint16_t)(used_idx(0) - used_seen), 1);
	assert_int_equal(used_id(0, used_seen), head);
	assert_int_equal(used_len(0, used_seen), len);
	used_seen++;
}

static void disk_unchanged(void)
{
	assert_memory_equal(image, original, DISK_BYTES);
}

static void guest_untouched(uint32_t gpa, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		assert_int_equal(gget8(gpa + i), 0xEE);
}

/* ---- Cases. ---- */

static void config_and_features(void **state)
{
	assert_int_equal(bar_r(60, 4), SECTORS); /* capacity, low half */
	assert_int_equal(bar_r(64, 4), 0);
	assert_int_equal(bar_r(72, 4), 254); /* seg_max */
	assert_int_equal(bar_r(80, 4), 512); /* blk_size */
	assert_int_equal(bar_r(94, 2), 1);   /* num_queues */
	assert_int_equal(bar_r(18, 2), 1);
	bar_w(0, 4, 0);
	assert_int_equal(bar_r(4, 4), (1u << 2) | (1u << 6) | (1u << 9));
	bar_w(0, 4, 1);
	assert_int_equal(bar_r(4, 4), 1);
	/* The configuration is read-only. */
	assert_false(virtio_bar_write(fd, 60, 4, 0));
	/* The PCI identity of ABI 11.2/11.3. */
	assert_int_equal(virtio_blk_ops.type, 2);
	assert_int_equal(virtio_blk_ops.pci_class, 0x01);
	assert_int_equal(virtio_blk_ops.pci_subclass, 0x80);
}

static void config_read_only_disk(void **state)
{
	bar_w(0, 4, 0);
	assert_int_equal(bar_r(4, 4),
			 (1u << 2) | (1u << 5) | (1u << 6) | (1u << 9));
}

static void read_sectors(void **state)
{
	fake_irqs = 0;
	request(T_IN, 3, 1024);
	expect_used(chain_head, 1024 + 1);
	assert_int_equal(gget8(STATUS_GPA), S_OK);
	assert_memory_equal(fg->mem + BUF, original + 3 * 512, 1024);
	assert_int_equal(gget8(BUF + 1024), 0xEE);
	disk_unchanged();
	/* Completion interrupts, with the ISR set first. */
	assert_int_equal(fake_irqs, 1);
	assert_int_equal(fake_last_irq, fd->irq);
	assert_int_equal(bar_r(58, 1), 1);
}

static void read_last_sector(void **state)
{
	request(T_IN, SECTORS - 1, 512);
	expect_used(chain_head, 513);
	assert_int_equal(gget8(STATUS_GPA), S_OK);
	assert_memory_equal(fg->mem + BUF, original + DISK_BYTES - 512, 512);
}

static void write_sectors(void **state)
{
	for (uint32_t i = 0; i < 1024; i++)
		gput8(BUF + i, (uint8_t)~i);
	request(T_OUT, 5, 1024);
	expect_used(chain_head, 1);
	assert_int_equal(gget8(STATUS_GPA), S_OK);
	for (uint32_t i = 0; i < 1024; i++)
		assert_int_equal(image[5 * 512 + i], (uint8_t)~i);
	/* Nothing either side of it. */
	assert_memory_equal(image, original, 5 * 512);
	assert_memory_equal(image + 7 * 512, original + 7 * 512,
			    DISK_BYTES - 7 * 512);
	/* And it reads back. */
	memset(fg->mem + BUF, 0xEE, 1024);
	request(T_IN, 5, 1024);
	expect_used(chain_head, 1025);
	for (uint32_t i = 0; i < 1024; i++)
		assert_int_equal(gget8(BUF + i), (uint8_t)~i);
}

static void flush(void **state)
{
	request(T_FLUSH, 0, 0);
	expect_used(chain_head, 1);
	assert_int_equal(gget8(STATUS_GPA), S_OK);
	disk_unchanged();
}

static void get_id(void **state)
{
	char want[20] = "hv-t0-vda";

	request(T_GET_ID, 0, 20);
	expect_used(chain_head, 20 + 1);
	assert_int_equal(gget8(STATUS_GPA), S_OK);
	assert_memory_equal(fg->mem + BUF, want, 20);
	assert_int_equal(gget8(BUF + 20), 0xEE);
	disk_unchanged();
}

static void unsupported_types(void **state)
{
	static const uint32_t types[] = {
		2, 3, 5, 7, 9, 11, 0x80000000u, 0x80000001u, 0xFFFFFFFFu
	};

	for (unsigned i = 0; i < ARRAY_SIZE(types); i++) {
		request(types[i], 0, 512);
		expect_used(chain_head, 1);
		assert_int_equal(gget8(STATUS_GPA), S_UNSUPP);
	}
	guest_untouched(BUF, 512);
	disk_unchanged();
	assert_false(fd->broken);
}

static void read_beyond_capacity(void **state)
{
	static const struct {
		uint64_t sector;
		uint32_t len;
	} bad[] = {
		{ SECTORS, 512 },
		{ SECTORS - 1, 1024 },
		{ SECTORS - 1, 513 },
		{ SECTORS + 1, 512 },
		{ 1ull << 55, 512 },
		{ 0xFFFFFFFFFFFFFFFFull, 512 },
		{ 0x0080000000000000ull, 512 }, /* sector * 512 wraps to 0 */
		{ 0, DISK_BYTES + 512 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		request(T_IN, bad[i].sector, bad[i].len);
		expect_used(chain_head, 1);
		assert_int_equal(gget8(STATUS_GPA), S_IOERR);
		guest_untouched(BUF, bad[i].len);
	}
	disk_unchanged();
	assert_false(fd->broken);
}

static void write_beyond_capacity(void **state)
{
	memset(fg->mem + BUF, 0x11, DISK_BYTES + 512);
	request(T_OUT, SECTORS, 512);
	expect_used(chain_head, 1);
	assert_int_equal(gget8(STATUS_GPA), S_IOERR);
	request(T_OUT, SECTORS - 1, 1024);
	expect_used(chain_head, 1);
	assert_int_equal(gget8(STATUS_GPA), S_IOERR);
	request(T_OUT, 0x0080000000000000ull, 512);
	expect_used(chain_head, 1);
	assert_int_equal(gget8(STATUS_GPA), S_IOERR);
	request(T_OUT, 0, DISK_BYTES + 512);
	expect_used(chain_head, 1);
	assert_int_equal(gget8(STATUS_GPA), S_IOERR);
	disk_unchanged();
}

static void write_read_only(void **state)
{
	memset(fg->mem + BUF, 0x11, 512);
	request(T_OUT, 0, 512);
	expect_used(chain_head, 1);
	assert_int_equal(gget8(STATUS_GPA), S_IOERR);
	disk_unchanged();
	/* Reads still work. */
	request(T_IN, 1, 512);
	expect_used(chain_head, 513);
	assert_int_equal(gget8(STATUS_GPA), S_OK);
	assert_memory_equal(fg->mem + BUF, original + 512, 512);
}

/* 4 KiB read into 128 buffers of 32 bytes scattered through RAM, in
 * reverse order, and a write the same way. */
static void split_across_many(void **state)
{
	const unsigned n = 128;

	put_header(HDR, T_IN, 8);
	add(HDR, 16, false);
	for (unsigned i = 0; i < n; i++)
		add(BUF + (n - 1 - i) * 64, 32, true);
	gput8(STATUS_GPA, 0xEE);
	add(STATUS_GPA, 1, true);
	submit();
	expect_used(chain_head, n * 32 + 1);
	assert_int_equal(gget8(STATUS_GPA), S_OK);
	for (unsigned i = 0; i < n; i++) {
		assert_memory_equal(fg->mem + BUF + (n - 1 - i) * 64,
				    original + 8 * 512 + i * 32, 32);
		guest_untouched(BUF + (n - 1 - i) * 64 + 32, 32);
	}

	next_desc = 0;
	put_header(HDR, T_OUT, 20);
	add(HDR, 16, false);
	for (unsigned i = 0; i < n; i++) {
		memset(fg->mem + BUF + i * 64, (int)i, 32);
		add(BUF + i * 64, 32, false);
	}
	add(STATUS_GPA, 1, true);
	submit();
	expect_used(chain_head, 1);
	assert_int_equal(gget8(STATUS_GPA), S_OK);
	for (unsigned i = 0; i < n * 32; i++)
		assert_int_equal(image[20 * 512 + i], i / 32);
}

/* The header in two pieces (5 + 11 bytes), for a read and a write. */
static void header_split(void **state)
{
	put_header(HDR, T_IN, 2);
	add(HDR, 5, false);
	add(HDR + 5, 11, false);
	add(BUF, 512, true);
	add(STATUS_GPA, 1, true);
	submit();
	expect_used(chain_head, 513);
	assert_int_equal(gget8(STATUS_GPA), S_OK);
	assert_memory_equal(fg->mem + BUF, original + 2 * 512, 512);

	next_desc = 0;
	put_header(HDR, T_OUT, 9);
	memset(fg->mem + BUF, 0x5A, 512);
	add(HDR, 15, false);
	add(HDR + 15, 1, false);
	add(BUF, 512, false);
	add(STATUS_GPA, 1, true);
	submit();
	expect_used(chain_head, 1);
	assert_int_equal(gget8(STATUS_GPA), S_OK);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(image[9 * 512 + i], 0x5A);
}

/* Header and data in one readable buffer; data and status in one
 * writable buffer: the byte streams do not care where buffers split. */
static void parts_merged(void **state)
{
	put_header(BUF, T_OUT, 4);
	memset(fg->mem + BUF + 16, 0x77, 512);
	add(BUF, 16 + 512, false);
	add(STATUS_GPA, 1, true);
	submit();
	expect_used(chain_head, 1);
	assert_int_equal(gget8(STATUS_GPA), S_OK);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(image[4 * 512 + i], 0x77);

	next_desc = 0;
	put_header(HDR, T_IN, 6);
	add(HDR, 16, false);
	add(BUF + 0x1000, 513, true);
	submit();
	expect_used(chain_head, 513);
	assert_memory_equal(fg->mem + BUF + 0x1000, original + 6 * 512, 512);
	assert_int_equal(gget8(BUF + 0x1000 + 512), S_OK);
}

static void short_header(void **state)
{
	put_header(HDR, T_OUT, 0);
	add(HDR, 8, false);
	add(STATUS_GPA, 1, true);
	submit();
	expect_used(chain_head, 1);
	assert_int_equal(gget8(STATUS_GPA), S_IOERR);
	disk_unchanged();
	/* No readable part at all. */
	next_desc = 0;
	add(BUF, 512, true);
	add(STATUS_GPA, 1, true);
	submit();
	expect_used(chain_head, 1);
	assert_int_equal(gget8(STATUS_GPA), S_IOERR);
	guest_untouched(BUF, 512);
	assert_false(fd->broken);
}

/* Nowhere to put a status byte: nothing can be answered. */
static void no_writable_byte(void **state)
{
	put_header(HDR, T_OUT, 0);
	memset(fg->mem + BUF, 0x11, 512);
	add(HDR, 16, false);
	add(BUF, 512, false);
	submit();
	assert_int_equal(used_idx(0), 0);
	assert_true(needs_reset());
	disk_unchanged();
	/* A zero-length writable buffer is no better. */
	teardown(state);
	bring_up(false);
	put_header(HDR, T_IN, 0);
	add(HDR, 16, false);
	add(STATUS_GPA, 0, true);
	submit();
	assert_int_equal(used_idx(0), 0);
	assert_true(needs_reset());
}

/* Several requests before one notify: all answered, one interrupt. */
static void batch(void **state)
{
	fake_irqs = 0;
	for (unsigned r = 0; r < 3; r++) {
		put_header(HDR + r * 16, T_IN, r);
		add(HDR + r * 16, 16, false);
		add(BUF + r * 512, 512, true);
		add(STATUS_GPA + r, 1, true);
		chain_open = false;
		avail_add(0, chain_head);
	}
	bar_w(56, 2, 0);
	assert_int_equal(used_idx(0), 3);
	for (unsigned r = 0; r < 3; r++) {
		assert_int_equal(used_id(0, r), r * 3);
		assert_int_equal(used_len(0, r), 513);
		assert_int_equal(gget8(STATUS_GPA + r), S_OK);
		assert_memory_equal(fg->mem + BUF + r * 512, original + r * 512,
				    512);
	}
	assert_int_equal(fake_irqs, 1);
}

/*
 * Bounded work per exit: a request larger than the budget (1 MiB of
 * data, a sector's worth per descriptor) moves a budget per exit and is
 * answered when its last byte has moved.  24 descriptors of 64 KiB, all
 * naming the same guest buffer, read 1.5 MiB from a 2 MiB disk: the
 * buffer ends up holding the last 64 KiB.
 */
#define BIG_DISK MiB(2)
#define BIG_SEG 0x10000u
#define BIG_SEGS 24u
#define BIG_BUF 0x80000u

static void big_read_goes_on_over_exits(void **state)
{
	uint8_t *big = malloc(BIG_DISK);
	struct disk bigram;
	struct volume bigdisk;
	uint32_t total = BIG_SEGS * BIG_SEG, n;

	/* This case's own device, over a disk of its own. */
	teardown(state);
	assert_non_null(big);
	for (uint32_t i = 0; i < BIG_DISK; i++)
		big[i] = pattern(i);
	make_volume(&bigdisk, &bigram, big, BIG_DISK, false, "vdb");
	fake_guest_new(&virtio_blk_ops, &bigdisk);
	fake_driver_setup((1u << 2) | (1u << 6) | (1u << 9), 256);
	image = malloc(DISK_BYTES); /* for teardown() */
	next_desc = 0;
	chain_open = false;

	assert_int_equal(virtio_blk_ops.budget, MiB(1));
	put_header(HDR, T_IN, 0);
	add(HDR, 16, false);
	for (n = 0; n < BIG_SEGS; n++)
		add(BIG_BUF, BIG_SEG, true);
	gput8(STATUS_GPA, 0xEE);
	add(STATUS_GPA, 1, true);
	submit();
	/* The notify moved less than all of it, and answered nothing. */
	assert_int_equal(used_idx(0), 0);
	assert_true(fd->busy);
	assert_int_equal(gget8(STATUS_GPA), 0xEE);
	virtio_poll(fd); /* the end of that exit: its budget is spent */
	assert_int_equal(used_idx(0), 0);
	virtio_poll(fd); /* the next exit finishes it */
	assert_int_equal(used_idx(0), 1);
	assert_int_equal(used_id(0, 0), chain_head);
	assert_int_equal(used_len(0, 0), total + 1);
	assert_int_equal(gget8(STATUS_GPA), S_OK);
	assert_memory_equal(fg->mem + BIG_BUF, big + total - BIG_SEG, BIG_SEG);
	virtio_poll(fd);
	assert_false(fd->busy);
	assert_int_equal(used_idx(0), 1);
	free(big);
	free(bigdisk.bounce);
}

/* A batch larger than one budget: the first requests are answered in
 * the notify, the rest on the next exit, in order. */
static void batch_beyond_the_budget(void **state)
{
	/* One read of the whole disk (32 KiB), offered 40 times: each
	 * costs its data and a sector per descriptor, 32 KiB + 1.5 KiB. */
	unsigned r;

	put_header(HDR, T_IN, 0);
	add(HDR, 16, false);
	add(BUF, DISK_BYTES, true);
	add(STATUS_GPA, 1, true);
	chain_open = false;
	for (r = 0; r < 40; r++)
		avail_add(0, chain_head);
	bar_w(56, 2, 0);
	/* 1 MiB / 33.5 KiB: 30 whole requests, and part of the next. */
	assert_int_equal(used_idx(0), 30);
	assert_true(fd->busy);
	virtio_poll(fd);
	assert_int_equal(used_idx(0), 30);
	virtio_poll(fd);
	assert_int_equal(used_idx(0), 40);
	for (r = 0; r < 40; r++)
		assert_int_equal(used_len(0, r), DISK_BYTES + 1);
	assert_memory_equal(fg->mem + BUF, original, DISK_BYTES);
	disk_unchanged();
}

/* ---- A disk that answers when the test says: several requests in
 * flight, a flush that waits for the ones before it, a failure. ---- */

#define SLOW_SLOTS 8
static struct disk_io *slow_held[SLOW_SLOTS]; /* what the "device" has */
static unsigned slow_nheld;
static enum disk_op slow_ops[32]; /* the order requests reached it */
static unsigned slow_nops;

static bool slow_submit(struct disk *d, struct disk_io *io)
{
	(void)d;
	if (slow_nheld == SLOW_SLOTS)
		return false;
	if (io->op == DISK_READ) /* fill what it reads, as a DMA would */
		for (unsigned i = 0; i < io->nsegs; i++)
			memset((void *)io->seg[i].addr, 0x5A, io->seg[i].len);
	slow_held[slow_nheld++] = io;
	slow_ops[slow_nops++] = io->op;
	io->status = DISK_BUSY;
	return true;
}

static void slow_poll(struct disk *d, struct disk_io *io)
{
	(void)d;
	(void)io; /* the test decides when each ends */
}

static bool slow_dma_ok(const struct disk *d, const struct disk_io *io)
{
	(void)d;
	(void)io;
	return true;
}

static const struct disk_ops slow_disk_ops = { slow_submit, slow_poll,
					       slow_dma_ok };

/* The "device" ends its oldest request. */
static void slow_finish_oldest(enum disk_status how)
{
	assert_true(slow_nheld > 0);
	slow_held[0]->status = how;
	memmove(slow_held, slow_held + 1, --slow_nheld * sizeof(slow_held[0]));
}

/* Request r of a batch: a read of 8 sectors at 8r, its header, data and
 * status at their own places. */
#define SLOW_HDR(r) (FAKE_DATA + 0x100u * (r))
#define SLOW_BUF(r) (FAKE_DATA + 0x4000u + 0x1000u * (r))
#define SLOW_STATUS(r) (FAKE_DATA + 0x100u * (r) + 0x20u)
static uint16_t slow_offer(unsigned r, uint32_t type)
{
	put_header(SLOW_HDR(r), type, 8u * r);
	add(SLOW_HDR(r), 16, false);
	if (type != T_FLUSH)
		add(SLOW_BUF(r), 4096, true);
	gput8(SLOW_STATUS(r), 0xEE);
	add(SLOW_STATUS(r), 1, true);
	chain_open = false;
	avail_add(0, chain_head);
	return chain_head;
}

static void in_flight_and_flush_barrier(void **state)
{
	struct disk slow = { .name = "slow",
			     .sectors = 1024,
			     .sector_size = 512,
			     .max_sectors = 256,
			     .ops = &slow_disk_ops };
	struct volume v = { .disk = &slow, .sectors = 1024, .name = "slow" };
	uint16_t head[7];

	teardown(state);
	image = malloc(DISK_BYTES); /* for teardown() */
	v.bounce = malloc(VOLUME_BOUNCE_BYTES);
	disk.bounce = v.bounce; /* freed by teardown() */
	slow_nheld = slow_nops = 0;
	fake_guest_new(&virtio_blk_ops, &v);
	fake_driver_setup((1u << 2) | (1u << 6) | (1u << 9), 256);
	next_desc = 0;
	chain_open = false;

	/* Five reads, a flush, a read; one doorbell. */
	for (unsigned r = 0; r < 5; r++)
		head[r] = slow_offer(r, T_IN);
	head[5] = slow_offer(5, T_FLUSH);
	head[6] = slow_offer(6, T_IN);
	bar_w(56, 2, 0);
	/* Four are at the disk at once; nothing is answered yet, and the
	 * device is busy only waiting for the disk. */
	assert_int_equal(slow_nheld, 4);
	assert_int_equal(used_idx(0), 0);
	assert_true(fd->busy && fd->waiting);
	/* The first ends, failed: answered IOERR, and the fifth read goes. */
	slow_finish_oldest(DISK_FAILED);
	virtio_poll(fd);
	assert_int_equal(used_idx(0), 1);
	assert_int_equal(used_id(0, 0), head[0]);
	assert_int_equal(gget8(SLOW_STATUS(0)), S_IOERR);
	assert_int_equal(slow_nheld, 4);
	/* The flush is in hand but not sent while reads before it are out,
	 * and the read after it waits in the ring. */
	for (unsigned r = 1; r < 4; r++) {
		slow_finish_oldest(DISK_DONE);
		virtio_poll(fd);
		assert_int_equal(used_idx(0), 1 + r);
		assert_int_equal(gget8(SLOW_STATUS(r)), S_OK);
		assert_int_equal(gget8(SLOW_BUF(r)), 0x5A);
	}
	assert_int_equal(slow_nheld, 1);
	assert_int_equal(slow_nops, 5); /* five reads, no flush yet */
	slow_finish_oldest(DISK_DONE);
	virtio_poll(fd);
	assert_int_equal(used_idx(0), 5);
	/* The flush is sent, and once it is, the read after it too: a
	 * flush orders what came before it, not what comes after. */
	assert_int_equal(slow_nops, 7);
	assert_int_equal(slow_ops[5], DISK_FLUSH);
	assert_int_equal(slow_ops[6], DISK_READ);
	slow_finish_oldest(DISK_DONE);
	virtio_poll(fd);
	assert_int_equal(used_idx(0), 6);
	assert_int_equal(used_id(0, 5), head[5]);
	assert_int_equal(gget8(SLOW_STATUS(5)), S_OK);
	/* A reset while the last read is out waits for the disk to end it;
	 * this disk never would, so end it first, as a driver's timeout
	 * does, then reset. */
	slow_finish_oldest(DISK_FAILED);
	bar_w(20, 1, 0); /* device_status = 0: reset */
	assert_false(fd->busy);
	assert_int_equal(used_idx(0), 6); /* owed no more */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define T_RO(f) cmocka_unit_test_setup_teardown(f, setup_ro, teardown)
	const struct CMUnitTest tests[] = {
		T(config_and_features),
		T(in_flight_and_flush_barrier),
		T_RO(config_read_only_disk),
		T(read_sectors),
		T(read_last_sector),
		T(write_sectors),
		T(flush),
		T(get_id),
		T(unsupported_types),
		T(read_beyond_capacity),
		T(write_beyond_capacity),
		T_RO(write_read_only),
		T(split_across_many),
		T(header_split),
		T(parts_merged),
		T(short_header),
		T(no_writable_byte),
		T(batch),
		T(big_read_goes_on_over_exits),
		T(batch_beyond_the_budget),
	};
#undef T
#undef T_RO

	return cmocka_run_group_tests(tests, NULL, NULL);
}
