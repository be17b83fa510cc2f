/*
 * pit.c - the 8254.  Channel 0 drives IRQ 0; we use it in mode 0
 * ("interrupt on terminal count") as a one-shot.  Channel 2, gated by port
 * 0x61 and readable there, measures the TSC at boot: it needs no
 * interrupts, so it works before anything else is set up.
 */
#include "drivers/pit.h"
#include "hv/include/x86.h"

#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61 /* bit 0: ch2 gate, bit 1: speaker, bit 5: ch2 out */

#define CMD_CH0_LOHI_MODE0 0x30
#define CMD_CH2_LOHI_MODE0 0xB0

void pit_oneshot(uint32_t ticks)
{
	if (ticks == 0)
		ticks = 1;
	if (ticks > PIT_MAX_TICKS)
		ticks = PIT_MAX_TICKS;
	outb(PIT_CMD, CMD_CH0_LOHI_MODE0);
	outb(PIT_CH0, ticks & 0xFF);
	outb(PIT_CH0, ticks >> 8);
}

bool pit_measure_tsc(uint32_t ms, uint64_t *cycles)
{
	uint32_t ticks = PIT_HZ * ms / 1000;
	uint8_t b = inb(PORT_B);
	uint64_t start, end;
	uint32_t spins = 0;

	if (ticks > PIT_MAX_TICKS)
		ticks = PIT_MAX_TICKS;
	/* Gate on, speaker off; load the count; out goes high at zero. */
	outb(PORT_B, (b & ~0x02) | 0x01);
	outb(PIT_CMD, CMD_CH2_LOHI_MODE0);
	outb(PIT_CH2, ticks & 0xFF);
	outb(PIT_CH2, ticks >> 8);
	start = rdtsc();
	while (!(inb(PORT_B) & 0x20)) {
		if (++spins > 50000000u) {
			outb(PORT_B, b);
			return false;
		}
	}
	end = rdtsc();
	outb(PORT_B, b);
	*cycles = end - start;
	return true;
}
