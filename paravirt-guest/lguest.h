/*
 * lguest.h - [Pvguest 1] the contract between this guest and the hypervisor.
 *
 * Everything here comes from the lguest ABI of Linux 4.9 (see
 * docs/lguest-guest-abi.md in the shared documents; section numbers below
 * refer to it).  A guest and a hypervisor that both follow this file can be
 * written by different people and still work together, which is the point.
 *
 * Two things make up the contract:
 *
 *   - hypercalls: "int $0x1f" with the call number in EAX and up to three
 *     arguments in EBX, ECX and EDX (ABI 4, 5);
 *   - struct lguest_data: one structure in guest memory that both sides
 *     read and write, so that the common operations (turning interrupts on
 *     and off, looking at the clock) need no hypercall at all (ABI 6).
 */
#ifndef PVGUEST_LGUEST_H
#define PVGUEST_LGUEST_H

#include <stddef.h>
#include <stdint.h>

/* The software interrupt that enters the hypervisor (ABI 4). */
#define LGUEST_TRAP_ENTRY 0x1f

/* Hypercall numbers (ABI 5).  The gaps are unassigned: calling them kills. */
#define LHCALL_FLUSH_ASYNC 0
#define LHCALL_LGUEST_INIT 1
#define LHCALL_SHUTDOWN 2
#define LHCALL_NEW_PGTABLE 4
#define LHCALL_FLUSH_TLB 5
#define LHCALL_LOAD_IDT_ENTRY 6
#define LHCALL_SET_STACK 7
#define LHCALL_TS 8
#define LHCALL_SET_CLOCKEVENT 9
#define LHCALL_HALT 10
#define LHCALL_SET_PTE 14
#define LHCALL_SET_PGD 15
#define LHCALL_LOAD_TLS 16
#define LHCALL_LOAD_GDT_ENTRY 18
#define LHCALL_SEND_INTERRUPTS 19

/* Second argument of LHCALL_SHUTDOWN (ABI 12). */
#define LGUEST_SHUTDOWN_POWEROFF 1
#define LGUEST_SHUTDOWN_RESTART 2

/* The asynchronous ring (ABI 4.1): 64 slots, a status byte for each. */
#define LHCALL_RING_SIZE 64
#define LHCALL_SLOT_FREE 0xff  /* written by the hypervisor: free or done */
#define LHCALL_SLOT_READY 0x00 /* written by us: please execute this */

/* One queued call: arg0 is the call number, arg1-arg3 are EBX/ECX/EDX. */
struct hcall_args {
	uint32_t arg0, arg1, arg2, arg3, arg4;
};

/*
 * The shared page (ABI 6).  The layout is fixed by the ABI down to the
 * byte; the static assertions below make the compiler check it for us.
 */
struct lguest_data {
	/*
	 * The virtual interrupt flag: interrupts are on when bit 9 (0x200,
	 * the IF bit of EFLAGS) is set.  We write it to "cli" and "sti"; the
	 * hypervisor clears it whenever it delivers a trap or interrupt.
	 */
	uint32_t irq_enabled;
	/* Bit n set: do not deliver IRQ n.  Bit 0 is the timer. */
	uint32_t blocked_interrupts;
	/* The faulting address of the last page fault we were given. */
	uint32_t cr2;
	/* Wall-clock time, refreshed by the hypervisor at every delivery. */
	int32_t time_sec;
	int32_t time_nsec;
	/* 0x200 if an interrupt waits for us to enable interrupts. */
	int32_t irq_pending;
	/* The asynchronous hypercall ring (ABI 4.1). */
	uint8_t hcall_status[LHCALL_RING_SIZE];
	struct hcall_args hcalls[LHCALL_RING_SIZE];
	/* Filled in by the hypervisor at LHCALL_LGUEST_INIT. */
	uint32_t reserve_mem;
	uint32_t tsc_khz;
	/* Filled in by us before LHCALL_LGUEST_INIT, read by the hypervisor. */
	uint32_t noirq_iret;
	uint32_t kernel_address;
	uint32_t syscall_vec;
};

_Static_assert(offsetof(struct lguest_data, irq_enabled) == 0, "ABI 6");
_Static_assert(offsetof(struct lguest_data, blocked_interrupts) == 4, "ABI 6");
_Static_assert(offsetof(struct lguest_data, cr2) == 8, "ABI 6");
_Static_assert(offsetof(struct lguest_data, time_sec) == 12, "ABI 6");
_Static_assert(offsetof(struct lguest_data, time_nsec) == 16, "ABI 6");
_Static_assert(offsetof(struct lguest_data, irq_pending) == 20, "ABI 6");
_Static_assert(offsetof(struct lguest_data, hcall_status) == 24, "ABI 6");
_Static_assert(offsetof(struct lguest_data, hcalls) == 88, "ABI 6");
_Static_assert(sizeof(struct hcall_args) == 20, "ABI 4.1");
_Static_assert(offsetof(struct lguest_data, reserve_mem) == 1368, "ABI 6");
_Static_assert(offsetof(struct lguest_data, tsc_khz) == 1372, "ABI 6");
_Static_assert(offsetof(struct lguest_data, noirq_iret) == 1376, "ABI 6");
_Static_assert(offsetof(struct lguest_data, kernel_address) == 1380, "ABI 6");
_Static_assert(offsetof(struct lguest_data, syscall_vec) == 1384, "ABI 6");
_Static_assert(sizeof(struct lguest_data) == 1388, "ABI 6");

/* Defined in lguest_data.c; entry.S writes irq_enabled directly. */
extern struct lguest_data lguest_data;

/* The one "iret" in the guest, in entry.S (ABI 8.5). */
extern const char lguest_noirq_iret[];

#endif /* PVGUEST_LGUEST_H */
