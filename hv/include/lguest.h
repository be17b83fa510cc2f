/*
 * lguest.h - the contract between a guest and the hypervisor: the lguest
 * guest ABI of Linux 4.9 (i386), as docs/lguest-guest-abi.md specifies
 * it.  Section numbers below ("ABI 6") are that document's.
 *
 * One header for both sides: the hypervisor includes it, and so does our
 * own guest (paravirt-guest/), the way Xen's guests include its public
 * headers.  A guest and a hypervisor that both follow this file can be
 * written by different people and still work together, which is the point.
 *
 * Two things make up the contract:
 *
 *   - hypercalls: "int $0x1f" with the call number in EAX and up to three
 *     arguments in EBX, ECX and EDX (ABI 4, 5);
 *   - struct lguest_data: one structure in guest memory that both sides
 *     read and write, so that the common operations (turning interrupts on
 *     and off, looking at the clock) need no hypercall at all (ABI 6).
 *
 * Nothing here is specific to either side's implementation.
 */
#ifndef HV_INCLUDE_LGUEST_H
#define HV_INCLUDE_LGUEST_H

/* The numbers are plain enough for the assembler too (our guest's entry
 * code uses the selectors); the C below them is not. */

/* The software interrupt that enters the hypervisor (ABI 4); its IDT gate
 * has DPL 1, so only the guest kernel can use it. */
#define LGUEST_TRAP_ENTRY 0x1f

/* Hypercall numbers (ABI 5).  The gaps are unassigned: calling them kills.
 * SET_PMD (13) is PAE's, which a non-PAE guest never makes (ABI 9.5). */
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
#define LHCALL_SET_PMD 13
#define LHCALL_SET_PTE 14
#define LHCALL_SET_PGD 15
#define LHCALL_LOAD_TLS 16
#define LHCALL_LOAD_GDT_ENTRY 18
#define LHCALL_SEND_INTERRUPTS 19
/* Ours, not Linux 4.9's: a guest reads its own counters (ABI 5). */
#define LHCALL_GUEST_STATS 20
#define LHCALL_NR 21 /* one more than the highest number */

/* Second argument of LHCALL_SHUTDOWN (ABI 12). */
#define LGUEST_SHUTDOWN_POWEROFF 1
#define LGUEST_SHUTDOWN_RESTART 2

/* The guest kernel's selectors (ABI 1.1, 7): GDT slots 12 and 13 at RPL 1. */
#define GUEST_GDT_KERNEL_CS 12
#define GUEST_GDT_KERNEL_DS 13
#define GUEST_KERNEL_CS ((GUEST_GDT_KERNEL_CS << 3) | 1) /* 0x61 */
#define GUEST_KERNEL_DS ((GUEST_GDT_KERNEL_DS << 3) | 1) /* 0x69 */
/* LOAD_TLS fills slots 6, 7 and 8 (ABI 7). */
#define GUEST_GDT_TLS_MIN 6
#define GUEST_TLS_ENTRIES 3

/* Virtual interrupts (ABI 8): 32 lines; the guest's system-call vector;
 * the value irq_pending takes when an interrupt waits (the IF bit). */
#define LGUEST_IRQS 32
#define LGUEST_SYSCALL_VEC 0x80
#define LGUEST_IRQ_PENDING 0x200

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/* The vectors whose reflected frame carries the error code (ABI 8.3):
 * #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14 and #AC 17, bit n for
 * vector n.  The CPU's own set (X86_ERROR_CODE_VECTORS, hv/include/x86.h)
 * adds #CP, #VC and #SX, which need CET, SEV-ES and SVM: none can arise
 * in a 32-bit ring-1 guest, and the guest's handlers expect this list. */
#define LGUEST_ERROR_CODE_VECTORS                                              \
	((1u << 8) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13) |       \
	 (1u << 14) | (1u << 17))

/* The asynchronous ring (ABI 4.1): 64 slots, a status byte for each. */
#define LHCALL_RING_SIZE 64
#define LHCALL_SLOT_FREE 0xff  /* by the hypervisor: free, or done */
#define LHCALL_SLOT_READY 0x00 /* by the guest: please execute this */

/* One queued call: arg0 is the call number, arg1-arg3 are EBX/ECX/EDX;
 * arg4 is unused on i386 but part of the layout. */
struct hcall_args {
	uint32_t arg0, arg1, arg2, arg3, arg4;
};

/*
 * The shared structure (ABI 6).  The layout is fixed by the ABI down to
 * the byte; the static assertions below make the compiler check it.  The
 * guest registers its address with LHCALL_LGUEST_INIT; the hypervisor
 * reaches it only through guest-physical copies, field by field
 * (hv/guest/guest.h, lgd_read and lgd_write).
 */
struct lguest_data {
	/*
	 * The virtual interrupt flag: interrupts are on when bit 9 (0x200,
	 * the IF bit of EFLAGS) is set.  The guest writes it for "cli" and
	 * "sti"; the hypervisor clears it whenever it delivers through an
	 * interrupt gate.
	 */
	uint32_t irq_enabled;
	/* Bit n set: do not deliver IRQ n.  Bit 0 is the timer. */
	uint32_t blocked_interrupts;
	/* The faulting address of the last page fault delivered. */
	uint32_t cr2;
	/* Wall-clock time, refreshed by the hypervisor (ABI 10). */
	int32_t time_sec;
	int32_t time_nsec;
	/* LGUEST_IRQ_PENDING if an interrupt waits for the guest to enable
	 * interrupts (it then makes LHCALL_SEND_INTERRUPTS). */
	int32_t irq_pending;
	/* The asynchronous hypercall ring (ABI 4.1). */
	uint8_t hcall_status[LHCALL_RING_SIZE];
	struct hcall_args hcalls[LHCALL_RING_SIZE];
	/* Filled in by the hypervisor at LHCALL_LGUEST_INIT. */
	uint32_t reserve_mem;
	uint32_t tsc_khz;
	/* Filled in by the guest before LHCALL_LGUEST_INIT. */
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

/*
 * What LHCALL_GUEST_STATS writes (ABI 5): the hypervisor's counters for
 * the calling guest, since it was first started (they go on counting
 * across restarts).
 * Fields are only ever added at the end, so a guest asking for fewer
 * bytes than this gets the fields it knows.
 */
struct lguest_stats {
	uint64_t exits;	     /* trips out of the guest, of every kind */
	uint64_t hypercalls; /* synchronous ones; the ring's are below */
	uint64_t async_hypercalls;
	uint64_t page_faults; /* shadow faults, fixed or reflected */
	uint64_t irqs;	      /* interrupts delivered to the guest */
	uint64_t cpu_ns;      /* time the CPU spent on the guest's slices */
	uint32_t cpu;	      /* the processor it runs on (0 = the first) */
	uint32_t cpu_moves;   /* how often it moved to another one */
};
_Static_assert(sizeof(struct lguest_stats) == 56, "ABI 5");

#endif /* !__ASSEMBLER__ */

#endif
