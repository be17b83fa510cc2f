/*
 * fake_guest.h - a guest for the device tests: RAM that is a malloc'd
 * buffer, one virtio device on it, and doubles for the hypervisor
 * functions that would otherwise pull in the scheduler, the console
 * hardware or the shadow page tables.
 *
 * Included by one test file per binary: the doubles are real (non-static)
 * definitions, so a second includer in the same binary would not link.
 * Helpers are static inline so a test that does not use one still
 * compiles under -Werror.
 *
 * The ring helpers write guest memory byte by byte in little-endian
 * order, the way the guest lays it out, independently of the structures
 * the code under test uses.
 */
#ifndef TESTS_UNIT_FAKE_GUEST_H
#define TESTS_UNIT_FAKE_GUEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/dev/devices.h"
#include "hv/guest/guest.h"
#include "hv/lib/printk.h"
#include "hv/virtio/virtio.h"

#define FAKE_RAM MiB(1)

/* Where fake_driver_setup() puts the rings of queue q. */
#define FAKE_DESC(q) (0x10000u + (q)*0x8000u)
#define FAKE_AVAIL(q) (FAKE_DESC(q) + 0x1000u)
#define FAKE_USED(q) (FAKE_DESC(q) + 0x2000u)
/* Free RAM for buffers. */
#define FAKE_DATA 0x40000u

/* ---- Doubles, and what they saw. ---- */

static char fake_log[8192];
static size_t fake_log_len;
static unsigned fake_irqs; /* guest_raise_irq calls */
static unsigned fake_last_irq;
static unsigned fake_kills;

static void fake_log_add(const char *fmt, va_list ap)
{
	if (fake_log_len < sizeof(fake_log) - 1) {
		int n = hv_vsnprintf(fake_log + fake_log_len,
				     sizeof(fake_log) - fake_log_len, fmt, ap);

		fake_log_len += (size_t)n;
		if (fake_log_len > sizeof(fake_log) - 1)
			fake_log_len = sizeof(fake_log) - 1;
	}
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fake_log_add(fmt, ap);
	va_end(ap);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fake_log_add(fmt, ap);
	va_end(ap);
}

void guest_raise_irq(struct guest *g, unsigned irq)
{
	fake_irqs++;
	fake_last_irq = irq;
}

/* The reason of the last kill, as guest_kill() would print it. */
static char fake_kill_reason[256];

void guest_kill(struct guest *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(fake_kill_reason, sizeof(fake_kill_reason), fmt, ap);
	va_end(ap);
	fake_kills++;
	g->state = GUEST_STOPPED;
}

static char fake_console[4096];
static size_t fake_console_len;

/* The clocks, for ports.c's emulated PIT channel and CMOS clock (only
 * test_pci links it; its tests never touch those ports, so any time will
 * do). */
uint64_t time_now_ns(void)
{
	return 0;
}
void time_wallclock(uint32_t *sec, uint32_t *nsec)
{
	*sec = 0;
	*nsec = 0;
}
bool time_rtc_valid(void)
{
	return false;
}

/* A hypervisor bug (BUG_ON): the test fails with the message. */
void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("panic: %s", msg);
	abort(); /* fail_msg does not return; this tells the compiler */
}

/* Every console is one buffer here: which one is not what is tested. */
void console_write_to(uint32_t which, const char *s, size_t n)
{
	while (n-- && fake_console_len < sizeof(fake_console))
		fake_console[fake_console_len++] = *s++;
}

void console_write(const char *s, size_t n)
{
	console_write_to(~0u, s, n);
}

/* ---- The guest and its device. ---- */

static struct guest *fg;
static struct virtio_dev *fd;

/* A guest with FAKE_RAM of RAM (filled with a marker, so untouched bytes
 * can be recognised) and device 0 wired to ops.  The buffer is exactly
 * mem_size long, so ASan catches a byte read or written past RAM. */
static inline void fake_guest_new(const struct virtio_ops *ops, void *backend)
{
	fg = calloc(1, sizeof(*fg));
	assert_non_null(fg);
	fg->regs = &fg->saved_regs;
	fg->mem_size = FAKE_RAM;
	fg->mem = malloc(FAKE_RAM);
	assert_non_null(fg->mem);
	memset(fg->mem, 0xEE, FAKE_RAM);
	snprintf(fg->name, sizeof(fg->name), "t0");
	fg->dev = calloc(1, sizeof(*fg->dev));
	assert_non_null(fg->dev);
	fd = &fg->dev->virtio[0];
	fd->g = fg;
	fd->ops = ops;
	fd->backend = backend;
	/* devices.c gives it its pages */
	fd->work = calloc(ops->work_pages ? ops->work_pages : 1, PAGE_SIZE);
	assert_non_null(fd->work);
	fd->slot = 1;
	fd->irq = 5;
	fd->bar0 = FAKE_RAM + MiB(1);
	fg->dev->pci.dev[1] = fd;
	fg->dev->n = 1;
	virtio_reset(fd);
	fake_log_len = 0;
	fake_log[0] = '\0';
	fake_irqs = fake_last_irq = fake_kills = 0;
	fake_kill_reason[0] = '\0';
	fake_console_len = 0;
}

static inline void fake_guest_free(void)
{
	free(fg->mem);
	free(fd->work);
	free(fg->dev);
	free(fg);
	fg = NULL;
	fd = NULL;
}

/* ---- Little-endian guest memory. ---- */

static inline void gput8(uint32_t gpa, uint8_t v)
{
	assert_true(gpa < FAKE_RAM);
	fg->mem[gpa] = v;
}

static inline void gput16(uint32_t gpa, uint16_t v)
{
	gput8(gpa, (uint8_t)v);
	gput8(gpa + 1, (uint8_t)(v >> 8));
}

static inline void gput32(uint32_t gpa, uint32_t v)
{
	gput16(gpa, (uint16_t)v);
	gput16(gpa + 2, (uint16_t)(v >> 16));
}

static inline void gput64(uint32_t gpa, uint64_t v)
{
	gput32(gpa, (uint32_t)v);
	gput32(gpa + 4, (uint32_t)(v >> 32));
}

static inline uint8_t gget8(uint32_t gpa)
{
	assert_true(gpa < FAKE_RAM);
	return fg->mem[gpa];
}

static inline uint16_t gget16(uint32_t gpa)
{
	return (uint16_t)(gget8(gpa) | gget8(gpa + 1) << 8);
}

static inline uint32_t gget32(uint32_t gpa)
{
	return gget16(gpa) | (uint32_t)gget16(gpa + 2) << 16;
}

/* ---- Register access as the driver does it. ---- */

static inline void bar_w(uint32_t off, unsigned size, uint32_t val)
{
	assert_true(virtio_bar_write(fd, off, size, val));
}

static inline uint32_t bar_r(uint32_t off, unsigned size)
{
	bool ok = false;
	uint32_t v = virtio_bar_read(fd, off, size, &ok);

	assert_true(ok);
	return v;
}

/* The Linux 4.9 driver's bring-up (ABI 11.8): reset, ACKNOWLEDGE|DRIVER,
 * accept VERSION_1 plus `low` (features 0-31), FEATURES_OK, place every
 * queue at `size` with the rings above, enable them, DRIVER_OK. */
static inline void fake_driver_setup(uint32_t low, uint16_t size)
{
	bar_w(20, 1, 0);
	bar_w(20, 1, 1);
	bar_w(20, 1, 3);
	bar_w(8, 4, 0);
	bar_w(12, 4, low);
	bar_w(8, 4, 1);
	bar_w(12, 4, 1); /* VERSION_1 */
	bar_w(20, 1, 0x0B);
	assert_int_equal(bar_r(20, 1), 0x0B);
	for (unsigned q = 0; q < fd->ops->num_queues; q++) {
		bar_w(22, 2, q);
		bar_w(24, 2, size);
		bar_w(32, 4, FAKE_DESC(q));
		bar_w(36, 4, 0);
		bar_w(40, 4, FAKE_AVAIL(q));
		bar_w(44, 4, 0);
		bar_w(48, 4, FAKE_USED(q));
		bar_w(52, 4, 0);
		/* The driver zeroes its rings before handing them over. */
		memset(fg->mem + FAKE_AVAIL(q), 0, 6 + 2 * size);
		memset(fg->mem + FAKE_USED(q), 0, 6 + 8 * size);
	}
	for (unsigned q = 0; q < fd->ops->num_queues; q++) {
		bar_w(22, 2, q);
		bar_w(28, 2, 1);
		assert_int_equal(bar_r(28, 2), 1);
	}
	bar_w(20, 1, 0x0F);
	assert_false(fd->broken);
}

/* ---- The driver's side of the rings. ---- */

#define DESC_NEXT 1
#define DESC_WRITE 2
#define DESC_INDIRECT 4

static inline void set_desc(unsigned q, uint16_t i, uint64_t addr, uint32_t len,
			    uint16_t flags, uint16_t next)
{
	uint32_t at = FAKE_DESC(q) + 16u * i;

	gput64(at, addr);
	gput32(at + 8, len);
	gput16(at + 12, flags);
	gput16(at + 14, next);
}

static inline uint16_t avail_idx(unsigned q)
{
	return gget16(FAKE_AVAIL(q) + 2);
}

static inline void set_avail_idx(unsigned q, uint16_t idx)
{
	gput16(FAKE_AVAIL(q) + 2, idx);
}

/* Offer the chain starting at head, as the driver does: ring slot, then
 * the index. */
static inline void avail_add(unsigned q, uint16_t head)
{
	uint16_t size = fd->vq[q].size, idx = avail_idx(q);

	gput16(FAKE_AVAIL(q) + 4 + 2 * (idx % size), head);
	set_avail_idx(q, (uint16_t)(idx + 1));
}

static inline uint16_t used_idx(unsigned q)
{
	return gget16(FAKE_USED(q) + 2);
}

static inline uint32_t used_id(unsigned q, uint16_t slot)
{
	return gget32(FAKE_USED(q) + 4 + 8 * (slot % fd->vq[q].size));
}

static inline uint32_t used_len(unsigned q, uint16_t slot)
{
	return gget32(FAKE_USED(q) + 8 + 8 * (slot % fd->vq[q].size));
}

/* The device reports NEEDS_RESET through its status register. */
static inline bool needs_reset(void)
{
	return (bar_r(20, 1) & VIRTIO_CONFIG_S_NEEDS_RESET) != 0;
}

#endif
