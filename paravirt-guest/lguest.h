/*
 * lguest.h - [Pvguest 1] the contract between this guest and the hypervisor.
 *
 * The contract itself is not ours to write: it is the lguest ABI of Linux
 * 4.9, specified in docs/lguest-guest-abi.md (section numbers below refer
 * to it), and its numbers and layouts live in one header that this guest
 * and the hypervisor both include, hv/include/lguest.h.  Read that file
 * now: it is short, and everything the guest does with the hypervisor is
 * one of its two mechanisms.
 *
 *   - hypercalls: "int $0x1f" with the call number in EAX and up to three
 *     arguments in EBX, ECX and EDX (ABI 4, 5);
 *   - struct lguest_data: one structure in guest memory that both sides
 *     read and write, so that the common operations (turning interrupts on
 *     and off, looking at the clock) need no hypercall at all (ABI 6).
 *
 * What is ours is where the structure lives, and the one "iret".
 */
#ifndef PVGUEST_LGUEST_H
#define PVGUEST_LGUEST_H

#include "hv/include/lguest.h"

/* Defined in lguest_data.c; entry.S writes irq_enabled directly. */
extern struct lguest_data lguest_data;

/* The one "iret" in the guest, in entry.S (ABI 8.5). */
extern const char lguest_noirq_iret[];

#endif /* PVGUEST_LGUEST_H */
