/*
 * core.h - what the files of hv/core offer one another: creating and
 * ending guests, one trip into a guest, hypercalls, segments, traps and
 * virtual interrupts, the FPU.  Nothing below hv/core calls these; what
 * the lower rooms may do to a guest is declared in hv/guest/guest.h.
 */
#ifndef HV_CORE_CORE_H
#define HV_CORE_CORE_H

#include "hv/guest/guest.h"

/* lifecycle.c: creating and ending guests */
bool guest_create(struct guest *g, const struct guest_config *cfg, int id);
void guest_destroy(struct guest *g);
/* After a stop: start again from scratch if the guest or its restart
 * policy asks for it. */
void guest_maybe_restart(struct guest *g);

/* exits.c: one trip into the guest, and the exit that ends it. */
void guest_enter_once(struct guest *g);
/* Move g's registers out of the Switcher's frame (before it is reset or
 * destroyed: exits.c keeps the running guest's there). */
void guest_regs_unload(struct guest *g);

/* hypercalls.c */
void do_hypercall(struct guest *g);

/* segments.c */
void guest_gdt_init(struct guest *g);
void guest_load_gdt_entry(struct guest *g, uint32_t idx, uint32_t lo,
			  uint32_t hi);
void guest_load_tls(struct guest *g, uint32_t gpa);
void guest_gdt_install(struct guest *g);
void guest_gdt_forget(const struct guest *g);
/* Load the view g is to run with (its GDT entries installed); returned
 * so the IDT can follow it. */
enum guest_view guest_view_enter(struct guest *g);
/* After a #GP(0) from ring 3: switch to the full view if that may help. */
bool guest_view_widen(struct guest *g);
#ifdef HV_SELFTEST
/* selftest=full-view: ring 3 always runs with the full view, as it does
 * on a real CPU after its first negative TLS offset. */
extern bool views_eager_full;
/* selftest=fault-cpu1: the processor that faults after a slice. */
extern int selftest_fault_cpu;
#endif

/* interrupts.c */
void guest_load_idt_entry(struct guest *g, uint32_t vec, uint32_t lo,
			  uint32_t hi);
/* direct: the guest's trap gates may go in (never with the full view). */
void guest_idt_install(struct guest *g, bool direct);
void guest_idt_forget(const struct guest *g);
bool deliver_trap(struct guest *g, unsigned vec, bool has_err, uint32_t err);
void deliver_pending_irq(struct guest *g);
/* The lowest pending IRQ the guest has not blocked, into *irq; false if
 * there is none (or no lguest_data yet to say what is blocked). */
bool guest_deliverable_irq(struct guest *g, unsigned *irq);
/* sched.c: g has an interrupt to take; if it sleeps while another guest
 * runs, that guest's slice ends at its next exit. */
void sched_wake(struct guest *g);
/* sched.c, for the console monitor: the guests by index (NULL past the
 * last), ending the running slice soon, and the statistics. */
int sched_nr_guests(void);
struct guest *sched_guest(int i);
/* The first running guest after index `after` (-1: from the start). */
struct guest *sched_next_alive(int after);
void sched_resched(void);
void sched_print_stats(const struct guest *g);
void sched_print_cpus(void);
void sched_poke(struct guest *g);
void sched_hold(struct guest *g);
void sched_release(struct guest *g);
void guest_set_clockevent(struct guest *g, uint32_t ns);
void guest_write_time(struct guest *g);

/* fpu.c */
void fpu_guest_init(struct guest *g);
void fpu_prepare_entry(struct guest *g);
void fpu_handle_nm(struct guest *g);
void fpu_guest_gone(struct guest *g);
void fpu_leave_cpu(struct guest *g);

#endif
