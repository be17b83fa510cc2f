/*
 * pit.c - the 8254.  Channel 0 drives IRQ 0; we use it in mode 0
 * ("interrupt on terminal count") as a one-shot.  Channel 2, gated by port
 * 0x61 and readable there, is a reference clock at boot: it needs no
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
#define CMD_CH2_LATCH 0x80

static uint8_t port_b_saved;

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

void pit_ch2_start(uint32_t ticks)
{
	uint8_t b = inb(PORT_B);

	if (ticks == 0)
		ticks = 1;
	if (ticks > PIT_MAX_TICKS)
		ticks = PIT_MAX_TICKS;
	port_b_saved = b;
	/* Gate on, speaker off; load the count; out goes high at zero. */
	outb(PORT_B, (b & ~0x02) | 0x01);
	outb(PIT_CMD, CMD_CH2_LOHI_MODE0);
	outb(PIT_CH2, ticks & 0xFF);
	outb(PIT_CH2, ticks >> 8);
}

bool pit_ch2_done(void)
{
	return inb(PORT_B) & 0x20;
}

void pit_ch2_stop(void)
{
	outb(PORT_B, port_b_saved);
}

static uint16_t ch2_count(void)
{
	uint16_t lo;

	outb(PIT_CMD, CMD_CH2_LATCH);
	lo = inb(PIT_CH2);
	return (uint16_t)(lo | inb(PIT_CH2) << 8);
}

bool pit_present(void)
{
	uint16_t first;
	bool moved = false;

	pit_ch2_start(PIT_MAX_TICKS);
	first = ch2_count();
	/* A tick is 838 ns and a port access about a microsecond: a
	 * thousand reads are plenty to see it move. */
	for (int i = 0; i < 1000 && !moved; i++) {
		uint16_t c = ch2_count();
		moved = c != first && c != 0xFFFF;
	}
	pit_ch2_stop();
	return moved;
}
