/*
 * trap.c - [Pvguest 5] deciding what to do with a trap or interrupt.
 *
 * entry.S calls trap_dispatch() for everything the hypervisor delivers.
 * Interrupts (vectors 0x20-0x2f) go to the handler registered for their
 * IRQ; traps go to the handler for their vector; a trap from user mode
 * that nobody wants kills the process; a trap in the kernel goes to the
 * fixup table, and if that has nothing either, the guest reports the trap
 * and powers off.
 *
 * Handlers run with virtual interrupts off: every gate we register is an
 * interrupt gate, and the hypervisor clears irq_enabled when it delivers
 * through one (ABI 8.3, step 5).  So handlers never nest.
 */
#include <stddef.h>

#include "console.h"
#include "hcall.h"
#include "irq.h"
#include "proc.h"
#include "trap.h"

static trap_handler_t handlers[NR_VECTORS];

volatile int fixup_vector = -1;

struct fixup {
	uint32_t fault, resume;
};

/* The start and end of the .fixups section (guest.ld). */
extern const struct fixup __fixups_start[], __fixups_end[];

void trap_dispatch(struct trapframe *tf);

static const char *const names[] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range exceeded",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor segment overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	"reserved",
	"x87 FPU error",
	"alignment check",
	"machine check",
	"SIMD exception",
};

const char *trap_name(unsigned int vector)
{
	if (vector < sizeof(names) / sizeof(names[0]))
		return names[vector];
	if (vector >= IRQ_BASE && vector < IRQ_BASE + NR_IRQS)
		return "interrupt";
	if (vector == SYSCALL_VECTOR)
		return "system call";
	return "unknown";
}

void trap_set_handler(unsigned int vector, trap_handler_t fn)
{
	if (vector < NR_VECTORS)
		handlers[vector] = fn;
}

/*
 * A device's interrupt: the handler first, then stop blocking the line
 * (ABI 6, blocked_interrupts), so nothing arrives with nobody to take it.
 */
void irq_set_handler(unsigned int irq, trap_handler_t fn)
{
	uint32_t flags = irq_save();

	trap_set_handler(IRQ_BASE + irq, fn);
	WRITE_ONCE(lguest_data.blocked_interrupts,
		   lguest_data.blocked_interrupts & ~(1u << irq));
	irq_restore(flags);
}

static const struct fixup *find_fixup(uint32_t eip)
{
	for (const struct fixup *f = __fixups_start; f < __fixups_end; f++)
		if (f->fault == eip)
			return f;
	return NULL;
}

void trap_dispatch(struct trapframe *tf)
{
	const struct fixup *f;
	trap_handler_t fn = NULL;

	if (tf->vector < NR_VECTORS)
		fn = handlers[tf->vector];
	if (fn) {
		fn(tf);
	} else if (tf->vector >= IRQ_BASE && tf->vector < IRQ_BASE + NR_IRQS) {
		/* An interrupt nobody asked for: harmless, but worth saying. */
		printf("guest: spurious IRQ %u\n", tf->vector - IRQ_BASE);
	} else if (from_user(tf)) {
		/* A user program's fault is the program's problem. */
		user_trap(tf);
	} else if ((f = find_fixup(tf->eip))) {
		fixup_vector = (int)tf->vector;
		tf->eip = f->resume;
	} else {
		printf("guest: unexpected trap %u (%s) at eip %p, error %x, "
		       "eflags %x\n",
		       tf->vector, trap_name(tf->vector), (void *)tf->eip,
		       tf->error, tf->eflags);
		guest_poweroff("crash: unexpected trap");
	}
	/* The way back to user mode is where a process gets preempted. */
	if (from_user(tf))
		return_to_user(tf);
}
