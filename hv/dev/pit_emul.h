/*
 * pit_emul.h - the guest's view of the 8254's channel 2 and port 0x61: the
 * one piece of legacy timer hardware the Linux guest reads at boot (to
 * measure its TSC), whatever the lguest ABI offers instead.
 */
#ifndef HV_PIT_EMUL_H
#define HV_PIT_EMUL_H

#include "hv/lib/lib.h"

#define PIT_EMUL_HZ 1193182u /* the 8254's input clock */

struct pit_channel2 {
	uint16_t reload; /* the count the guest wrote */
	uint8_t mode;	 /* 8254 mode, 0-5 */
	uint8_t access;	 /* 1 low byte, 2 high byte, 3 low then high */
	bool bcd;	 /* the command's BCD bit: reported, not obeyed */
	bool write_high; /* next count byte written is the high one */
	bool read_high;	 /* next count byte read is the high one */
	bool latched;	 /* a latch command froze `latch` */
	uint16_t latch;
	bool status_latched; /* a read-back command froze `status` */
	uint8_t status;
	bool loaded;	   /* a whole count was written since the command */
	bool triggered;	   /* modes 1 and 5: a rising gate started it */
	bool running;	   /* counting since start_ns */
	uint64_t start_ns; /* when it last started counting */
	uint64_t done;	   /* ticks counted before that, since the load */
	uint8_t port61;	   /* bits 0-3 as the guest last wrote them */
};

void pit2_reset(struct pit_channel2 *p);
/* The three ports; `now_ns` is the hypervisor's monotonic clock. */
void pit2_write_command(struct pit_channel2 *p, uint8_t v, uint64_t now_ns);
void pit2_write_count(struct pit_channel2 *p, uint8_t v, uint64_t now_ns);
uint8_t pit2_read_count(struct pit_channel2 *p, uint64_t now_ns);
void pit2_write_port61(struct pit_channel2 *p, uint8_t v, uint64_t now_ns);
uint8_t pit2_read_port61(struct pit_channel2 *p, uint64_t now_ns);

#endif
