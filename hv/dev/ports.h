/*
 * ports.h - the I/O ports a guest sees (ABI section 8.10).
 */
#ifndef HV_PORTS_H
#define HV_PORTS_H

#include "hv/lib/lib.h"

struct guest;

/* The debug console: bytes written here go to the hypervisor's console.
 * Our guest prints through it until it has a virtio console; port 0xE9 is
 * the conventional "debug port" of Bochs and QEMU. */
#define PORT_DEBUG_CONSOLE 0xE9

/* The value of a read from nothing: all ones, 1, 2 or 4 bytes wide. */
static inline uint32_t port_ones(unsigned size)
{
	return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

/* A decoded port instruction (ABI 8.10's table). */
struct port_insn {
	unsigned len;  /* bytes consumed: EIP advances by this */
	bool in;       /* in (true) or out */
	unsigned size; /* 1, 2 or 4 */
	bool imm_port; /* port from an immediate byte, else DX */
	uint8_t port;  /* the immediate */
	bool is_cli;
};

/* Decode the bytes at a faulting EIP, b[0..avail): cli, or in/out in any
 * of their forms.  Returns true with the instruction (and its length) in
 * *pi, or false, *pi zeroed, if the bytes are none of them or are cut
 * short; that is no error of ours, the guest gets its #GP. */
bool __must_check decode_port_insn(const uint8_t *b, unsigned avail,
				   struct port_insn *pi);

/* emulate.c: #GP(0) in ring 1; true if it was a port instruction (or a
 * hlt) and has been emulated, false if the #GP is the guest's own. */
bool emulate_insn(struct guest *g);

uint32_t guest_port_in(struct guest *g, uint16_t port, unsigned size);
void guest_port_out(struct guest *g, uint16_t port, unsigned size,
		    uint32_t val);

#endif
