/*
 * pit_emul.c - [Ports 3] channel 2 of an 8254 for the guest, counting in
 * real time, with its gate and output on port 0x61.
 *
 * Why: the Linux guest measures its TSC against this channel at boot
 * whatever lguest_data.tsc_khz says (ABI 8.10, 10): it keeps the
 * CPU-frequency calibration, quick_pit_calibrate() and then
 * pit_calibrate_tsc().  With ports that read as all ones both fail, after
 * 50 000 iterations of two port reads each, three quarters of all the
 * exits of a Linux boot, and a guest told tsc_khz 0 then marks its TSC
 * unstable.  A channel that counts as the chip does lets both loops see
 * what they wait for.
 *
 * What each loop needs, since every port access is an exit:
 *   - quick_pit_calibrate() reads the count's high byte until it has
 *     dropped by one (256 ticks, 214 us) and wants the TSC time of the
 *     reads around its two ends, eight in all, under 1/2048 of the time
 *     measured, which it may stretch to 50 ms: eight exits in 24 us, 3 us
 *     each.  Real hardware might; under QEMU without KVM an exit is
 *     about 10 us, and this calibration fails there, honestly.
 *   - pit_calibrate_tsc() loads 10 ms in mode 0 and polls OUT2 on port
 *     0x61; it wants at least 1000 polls and no poll ten times slower
 *     than the fastest, so under 10 us a poll, steadily.  Under QEMU
 *     our guest's same loop gets about 500 polls (tests/guest/clocks.c).
 * So the hypervisor does not leave the guest to this: it gives tsc_khz
 * whenever it has a believable rate (guest_tsc.c), and this channel is
 * what a guest measures with when it is not given one.
 *
 * Modes 0-5 count as the data sheet says, with the gate of each mode
 * (modes 0 and 4 pause while it is low, 2 and 3 stop and reload on its
 * rising edge, 1 and 5 start on it); latch commands, the read-back
 * command's count and status, and low, high or low-then-high access.
 * Counting is binary even if the BCD bit is set (the status reports the
 * bit; no guest we know asks for BCD).  Channels 0 and 1 are not the
 * guest's and still read as all ones, as the reference had them.
 *
 * Pure logic over a struct and a clock value, so it is unit-tested.
 */
#include "hv/dev/pit_emul.h"

#define NS_PER_S 1000000000u
#define PORT61_GATE2 0x01
#define PORT61_OUT2 0x20
#define PORT61_REFRESH 0x10
#define STATUS_OUT 0x80
#define STATUS_NULL_COUNT 0x40

void pit2_reset(struct pit_channel2 *p)
{
	hv_memset(p, 0, sizeof(*p));
	p->access = 3;
}

/* Ticks of the input clock in `ns`, split so no product can overflow
 * however long the channel has been counting. */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / NS_PER_S * PIT_EMUL_HZ +
	       ns % NS_PER_S * PIT_EMUL_HZ / NS_PER_S;
}

/* Ticks counted since the count was loaded. */
static uint64_t ticks(const struct pit_channel2 *p, uint64_t now_ns)
{
	uint64_t t = p->done;

	if (p->running && now_ns > p->start_ns)
		t += ns_to_ticks(now_ns - p->start_ns);
	return t;
}

static uint32_t period(const struct pit_channel2 *p)
{
	return p->reload ? p->reload : 0x10000; /* 0 means 65536 */
}

static bool periodic(const struct pit_channel2 *p)
{
	return p->mode == 2 || p->mode == 3;
}

/* Modes 1 and 5 are started by the gate's rising edge, not held by it. */
static bool gate_triggered(const struct pit_channel2 *p)
{
	return p->mode == 1 || p->mode == 5;
}

static bool gate_open(const struct pit_channel2 *p)
{
	return p->port61 & PORT61_GATE2;
}

/* The counter's current value. */
static uint16_t count(const struct pit_channel2 *p, uint64_t now_ns)
{
	uint64_t t = ticks(p, now_ns);

	if (!p->loaded || (gate_triggered(p) && !p->triggered))
		return p->reload;
	if (periodic(p)) /* reloads at the end of each period */
		return (uint16_t)(period(p) - t % period(p));
	/* The one-shot modes count on through zero and wrap, as the chip
	 * does. */
	return (uint16_t)(period(p) - t);
}

static bool out2(const struct pit_channel2 *p, uint64_t now_ns)
{
	uint64_t t = ticks(p, now_ns);

	if (!p->loaded)
		return p->mode != 0; /* mode 0 starts low, the others high */
	switch (p->mode) {
	case 0: /* low until the terminal count, then high for good */
		return t >= period(p);
	case 1: /* the same, from the trigger on */
		return !p->triggered || t >= period(p);
	case 3: /* square wave: high for the first half of each period */
		return !gate_open(p) || t % period(p) < (period(p) + 1) / 2;
	default: /* 2, 4, 5: high but for one-tick pulses no poll sees */
		return true;
	}
}

static void stop(struct pit_channel2 *p, uint64_t now_ns)
{
	p->done = ticks(p, now_ns);
	p->running = false;
}

static void start(struct pit_channel2 *p, uint64_t now_ns)
{
	p->running = true;
	p->start_ns = now_ns;
}

/* A whole count has been written: the chip loads it and, if the gate
 * lets it, counts. */
static void load(struct pit_channel2 *p, uint64_t now_ns)
{
	p->loaded = true;
	p->done = 0;
	p->running = false;
	if (gate_triggered(p) ? p->triggered : gate_open(p))
		start(p, now_ns);
}

static uint8_t status(const struct pit_channel2 *p, uint64_t now_ns)
{
	return (uint8_t)((out2(p, now_ns) ? STATUS_OUT : 0) |
			 (p->loaded ? 0 : STATUS_NULL_COUNT) | p->access << 4 |
			 p->mode << 1 | (p->bcd ? 1 : 0));
}

static void latch_count(struct pit_channel2 *p, uint64_t now_ns)
{
	if (p->latched)
		return; /* the first latch holds until it has been read */
	p->latch = count(p, now_ns);
	p->latched = true;
	p->read_high = p->access == 2;
}

void pit2_write_command(struct pit_channel2 *p, uint8_t v, uint64_t now_ns)
{
	unsigned channel = v >> 6, access = (v >> 4) & 3;

	if (channel == 3) { /* read-back: bit 3 picks channel 2 */
		if (!(v & 0x08))
			return;
		if (!(v & 0x20))
			latch_count(p, now_ns);
		if (!(v & 0x10) && !p->status_latched) {
			p->status = status(p, now_ns);
			p->status_latched = true;
		}
		return;
	}
	if (channel != 2)
		return;	   /* channels 0 and 1 are not the guest's */
	if (access == 0) { /* counter latch command */
		latch_count(p, now_ns);
		return;
	}
	p->access = (uint8_t)access;
	p->mode = (v >> 1) & 7;
	if (p->mode > 5)
		p->mode -= 4; /* 6 and 7 are aliases of 2 and 3 */
	p->bcd = v & 1;
	p->write_high = false;
	p->read_high = access == 2;
	p->latched = false;
	p->status_latched = false;
	p->loaded = false; /* a new mode waits for a new count */
	p->triggered = false;
	p->running = false;
	p->done = 0;
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
			/* Mode 0 stops counting until the count is whole. */
			if (p->mode == 0)
				stop(p, now_ns);
			return;
		}
		p->reload = (uint16_t)((p->reload & 0x00FF) | (v << 8));
		p->write_high = false;
		break;
	}
	load(p, now_ns);
}

uint8_t pit2_read_count(struct pit_channel2 *p, uint64_t now_ns)
{
	uint16_t c;
	uint8_t byte;

	if (p->status_latched) { /* the status comes before any count */
		p->status_latched = false;
		return p->status;
	}
	c = p->latched ? p->latch : count(p, now_ns);
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
	bool was_open = gate_open(p);

	p->port61 = v & 0x0F;
	if (was_open == gate_open(p) || !p->loaded)
		return;
	if (!gate_open(p)) { /* falling edge */
		if (!gate_triggered(p))
			stop(p, now_ns);
		return;
	}
	/* Rising edge: modes 0 and 4 go on where they were; the others
	 * start the count again from the top. */
	if (p->mode == 0 || p->mode == 4) {
		if (!p->write_high) /* not with half a new count */
			start(p, now_ns);
		return;
	}
	p->triggered = true;
	p->done = 0;
	start(p, now_ns);
}

uint8_t pit2_read_port61(struct pit_channel2 *p, uint64_t now_ns)
{
	/* Bit 4, the memory-refresh toggle, flips every 15 us on a PC;
	 * derive it from the clock so polling loops see it move. */
	uint8_t refresh = ((now_ns / 15000) & 1) ? PORT61_REFRESH : 0;

	return p->port61 | refresh | (out2(p, now_ns) ? PORT61_OUT2 : 0);
}
