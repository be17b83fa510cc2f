/*
 * ports.h - the I/O ports a guest sees (ABI section 8.10).
 */
#ifndef HV_PORTS_H
#define HV_PORTS_H

#include "lib.h"

struct guest;

/* The debug console: bytes written here go to the hypervisor's console.
 * Our guest prints through it until it has a virtio console; port 0xE9 is
 * the conventional "debug port" of Bochs and QEMU. */
#define PORT_DEBUG_CONSOLE 0xE9

/* One byte of a guest's line-buffered early output (port 0xE9, and the
 * virtio console's emerg_wr register). */
void debug_console_put(struct guest *g, char c);
/* Print what is left of the guest's current debug-console line. */
void debug_console_flush(struct guest *g);
uint32_t guest_port_in(struct guest *g, uint16_t port, unsigned size);
void guest_port_out(struct guest *g, uint16_t port, unsigned size,
		    uint32_t val);

#endif
