/*
 * lguest_abi.h - the numbers and layouts of the lguest guest ABI (Linux
 * 4.9, i386), as specified in ../shared/docs/lguest-guest-abi.md.  Section
 * numbers below refer to that document.
 */
#ifndef HV_LGUEST_ABI_H
#define HV_LGUEST_ABI_H

#include <stdint.h>

/* Hypercall numbers (section 5). */
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

#define LGUEST_SHUTDOWN_POWEROFF 1
#define LGUEST_SHUTDOWN_RESTART 2

/* Guest selectors (section 1.1, 7). */
#define GUEST_KERNEL_CS 0x61 /* GDT 12, RPL 1 */
#define GUEST_KERNEL_DS 0x69 /* GDT 13, RPL 1 */
#define GUEST_GDT_KERNEL_CS 12
#define GUEST_GDT_KERNEL_DS 13
#define GUEST_GDT_TLS_MIN 6
#define GUEST_TLS_ENTRIES 3

/* Virtual interrupts (section 8). */
#define LGUEST_IRQS 32
#define LGUEST_SYSCALL_VEC 0x80
#define LGUEST_IRQ_PENDING 0x200 /* the exact value irq_pending takes */

/* struct lguest_data (section 6): offsets, since the guest's copy is
 * only ever reached by guest-physical address. */
#define LGD_IRQ_ENABLED 0
#define LGD_BLOCKED_INTERRUPTS 4
#define LGD_CR2 8
#define LGD_TIME 12 /* tv_sec, tv_nsec: two 32-bit words */
#define LGD_IRQ_PENDING 20
#define LGD_HCALL_STATUS 24 /* 64 bytes */
#define LGD_HCALLS 88	    /* 64 x 5 words */
#define LGD_RESERVE_MEM 1368
#define LGD_TSC_KHZ 1372
#define LGD_NOIRQ_IRET 1376
#define LGD_KERNEL_ADDRESS 1380
#define LGD_SYSCALL_VEC 1384
#define LGUEST_DATA_SIZE 1388

#define LHCALL_RING_SIZE 64
#define LHCALL_SLOT_FREE 0xFF

#endif
