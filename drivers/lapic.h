/*
 * lapic.h - the processor's local APIC: where interrupts from the I/O
 * APIC and other processors arrive, acknowledged by an EOI, and a timer
 * of its own, which the hypervisor uses one-shot.
 */
#ifndef DRIVERS_LAPIC_H
#define DRIVERS_LAPIC_H

#include "hv/lib/lib.h"

struct madt_info;

/* The timer counts the bus clock divided by this (its divide register). */
#define LAPIC_TIMER_DIVIDE 16

/* IPI delivery modes (ICR bits 8-10), for lapic_send_ipi(). */
#define LAPIC_DM_FIXED 0x000u
#define LAPIC_DM_NMI 0x400u
#define LAPIC_DM_INIT 0x500u
#define LAPIC_DM_STARTUP 0x600u

/*
 * Map the registers where the IA32_APIC_BASE MSR says they are (warning
 * if m->lapic_addr disagrees), turn the APIC on (the MSR's global enable,
 * then the software enable in the spurious-vector register, with
 * `spurious_vec`), set the pins the MADT calls NMIs, mask
 * LINT0 (the 8259s' line: they are masked and unused), and send errors to
 * `error_vec`.  The timer stays masked until lapic_timer_oneshot().
 * False, having said why, if the registers cannot be reached.
 */
bool __must_check lapic_init(const struct madt_info *m, uint8_t spurious_vec,
			     uint8_t error_vec);
/* The same set-up on the processor that calls it, for the others (after
 * lapic_init() on the first mapped the registers). */
void lapic_start_this_cpu(const struct madt_info *m, uint8_t spurious_vec,
			  uint8_t error_vec);
uint64_t lapic_phys(void); /* where its registers are (for messages) */
uint32_t lapic_id(void);
uint32_t lapic_version(void);
/* End the interrupt being served.  Never for the spurious vector: it
 * sets no in-service bit, and an EOI would end another one. */
void lapic_eoi(void);
/* The error status register's bits since the last call (they are
 * latched by a write first, as the SDM asks). */
uint32_t lapic_read_errors(void);

/* Interrupt `vec` once, after `count` timer ticks (bus clock /
 * LAPIC_TIMER_DIVIDE); 0 stops the timer. */
void lapic_timer_oneshot(uint8_t vec, uint32_t count);
void lapic_timer_stop(void);
/* The count left: falls from the initial count to 0. */
uint32_t lapic_timer_current(void);

/*
 * Send an interrupt to the processor with local APIC ID `dest`: `vec` in
 * `mode` (LAPIC_DM_*).  Waits, bounded, for the APIC to take it; false if
 * it never did.  (hv/machine/smp.c: start-up, wake-ups, the panic stop.)
 */
bool lapic_send_ipi(uint32_t dest, uint8_t vec, uint32_t mode);

#endif
