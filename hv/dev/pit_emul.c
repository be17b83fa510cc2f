/*
 * pit_emul.c - [Ports 3] channel 2 of an 8254 for the guest, counting in
 * real time, with its gate and output on port 0x61.
 *
 * Why: the Linux guest calibrates its TSC against this channel at boot even
 * when it has no use for the answer (ABI 8.10).  With ports that read as
 * all ones it spins through 50 000 iterations of two port reads before it
 * gives up, and every read is an exit: three quarters of all the exits of
 * a Linux boot.  A channel that really counts down lets that loop see the
 * count change and finish after a few thousand reads.  No guest depends on
 * the all-ones answer for these ports; nothing else is emulated (channels
 * 0 and 1 still read as all ones, as the reference had them).
 *
 * Pure logic over a struct and a clock value, so it is unit-tested.
 */
#include "hv/dev/pit_emul.h"

#define PIT_HZ 1193182u
#define PORT61_GATE2 0x01
#define PORT61_OUT2 0x20

void pit2_reset(struct pit_channel2 *p)
{
	hv_memset(p, 0, sizeof(*p));
	p->access = 3;
}

/* PIT ticks since it started counting. */
static uint64_t ticks(const struct pit_channel2 *p, uint64_t now_ns)
{
	if (!p->counting || now_ns < p->start_ns)
		return 0;
	return (now_ns - p->start_ns) * PIT_HZ / 1000000000u;
}

static uint32_t period(const struct pit_channel2 *p)
{
	return p->reload ? p->reload : 0x10000; /* 0 means 65536 */
}

/* The counter's current value. */
static uint16_t count(const struct pit_channel2 *p, uint64_t now_ns)
{
	uint64_t t = ticks(p, now_ns);

	if (!p->counting)
		return p->reload;
	if (p->mode == 2 || p->mode == 3) /* periodic: reloads at the end */
		return (uint16_t)(period(p) - t % period(p));
	/* One-shot modes count through zero and wrap, as the chip does. */
	return (uint16_t)(period(p) - t);
}

static bool out2(const struct pit_channel2 *p, uint64_t now_ns)
{
	if (!p->counting)
		return p->mode != 0; /* mode 0 starts low, the others high */
	if (p->mode == 0 || p->mode == 1)
		return ticks(p, now_ns) >= period(p);
	if (p->mode == 3) /* square wave: high for the first half */
		return ticks(p, now_ns) % period(p) < period(p) / 2;
	return true;
}

static void maybe_start(struct pit_channel2 *p, uint64_t now_ns)
{
	p->counting = (p->port61 & PORT61_GATE2) && !p->write_high;
	if (p->counting)
		p->start_ns = now_ns;
}

void pit2_write_command(struct pit_channel2 *p, uint8_t v, uint64_t now_ns)
{
	unsigned channel = v >> 6, access = (v >> 4) & 3;

	if (channel == 3) { /* read-back: bits 3:1 pick channels */
		if (!(v & 0x20) && (v & 0x08)) {
			p->latch = count(p, now_ns);
			p->latched = true;
			p->read_high = false;
		}
		return;
	}
	if (channel != 2)
		return;	   /* channels 0 and 1 are not the guest's */
	if (access == 0) { /* counter latch command */
		p->latch = count(p, now_ns);
		p->latched = true;
		p->read_high = false;
		return;
	}
	p->access = (uint8_t)access;
	p->mode = (v >> 1) & 7;
	if (p->mode > 5)
		p->mode -= 4; /* 6 and 7 are aliases of 2 and 3 */
	p->write_high = access == 2;
	p->read_high = access == 2;
	p->latched = false;
	p->counting = false; /* a new mode waits for a new count */
}

void pit2_write_count(struct pit_channel2 *p, uint8_t v, uint64_t now_ns)
{
	switch (p->access) {
	case 1:
		p->reload = v;
		break;
	case 2:
		p->reload = (uint16_t)(v << 8);
		break;
	default: /* low byte, then high byte */
		if (!p->write_high) {
			p->reload = (p->reload & 0xFF00) | v;
			p->write_high = true;
			p->counting =
				false; /* stops until the count is whole */
			return;
		}
		p->reload = (uint16_t)((p->reload & 0x00FF) | (v << 8));
		p->write_high = false;
		break;
	}
	maybe_start(p, now_ns);
}

uint8_t pit2_read_count(struct pit_channel2 *p, uint64_t now_ns)
{
	uint16_t c = p->latched ? p->latch : count(p, now_ns);
	uint8_t byte;

	switch (p->access) {
	case 1:
		p->latched = false;
		return c & 0xFF;
	case 2:
		p->latched = false;
		return c >> 8;
	}
	byte = p->read_high ? c >> 8 : c & 0xFF;
	if (p->read_high)
		p->latched = false; /* a latch holds for one low+high pair */
	p->read_high = !p->read_high;
	return byte;
}

void pit2_write_port61(struct pit_channel2 *p, uint8_t v, uint64_t now_ns)
{
	bool was_open = p->port61 & PORT61_GATE2;

	p->port61 = v & 0x0F;
	if (!(v & PORT61_GATE2))
		p->counting = false;
	else if (!was_open)
		maybe_start(p, now_ns); /* a rising gate restarts the count */
}

uint8_t pit2_read_port61(struct pit_channel2 *p, uint64_t now_ns)
{
	/* Bit 4, the memory-refresh toggle, flips every 15 us on a PC;
	 * derive it from the clock so polling loops see it move. */
	uint8_t refresh = ((now_ns / 15000) & 1) ? 0x10 : 0;

	return p->port61 | refresh | (out2(p, now_ns) ? PORT61_OUT2 : 0);
}
