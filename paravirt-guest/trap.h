/*
 * trap.h - [Pvguest 5] what a trap looks like once it reaches C.
 */
#ifndef PVGUEST_TRAP_H
#define PVGUEST_TRAP_H

#include <stdint.h>

#define NR_VECTORS 256
#define IRQ_BASE 0x20 /* IRQ n arrives as vector 0x20 + n (ABI 8.6) */
#define NR_IRQS 16    /* the 4.9 guest's LGUEST_IRQS (ABI 6) */
#define SYSCALL_VECTOR 0x80
#define VECTOR_PF 14

/*
 * The stack as entry.S leaves it for trap_dispatch(), lowest address
 * first.  From eip on, the words were pushed by the hypervisor exactly as
 * the CPU would have pushed them (ABI 8.3); "error" is the CPU's error
 * code for vectors that have one and a 0 pushed by our stub otherwise.
 * A handler may change any field; entry.S restores them all on the way
 * out, so changing eip is how a handler skips an instruction.
 *
 * esp and ss are there only if the trap came from user mode (the RPL of
 * cs is 3): the hypervisor switched to our kernel stack and saved the
 * user's first.  From kernel mode, those two words are not ours to read.
 */
struct trapframe {
	/* pushal */
	uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
	/* entry.S */
	uint32_t es, ds;
	/* our stub */
	uint32_t vector, error;
	/* the hypervisor */
	uint32_t eip, cs, eflags;
	/* ... and, from user mode only */
	uint32_t esp, ss;
};

static inline int from_user(const struct trapframe *tf)
{
	return (tf->cs & 3) == 3;
}

typedef void (*trap_handler_t)(struct trapframe *tf);

void trap_set_handler(unsigned int vector, trap_handler_t fn);
void irq_set_handler(unsigned int irq, trap_handler_t fn);
const char *trap_name(unsigned int vector);

/*
 * Instructions that are allowed to fault.  FIXUP(fault, resume) in an asm
 * statement records a pair of labels: if the instruction at "fault" traps
 * and no handler claims the vector, execution carries on at "resume" and
 * fixup_vector says which trap it was (-1 if none).  Linux calls this an
 * exception table.  The test guest (tests/guest/) uses it to try things
 * the hypervisor should refuse.
 */
#define FIXUP(fault, resume)                                                   \
	".pushsection .fixups, \"a\"\n\t"                                      \
	".long " fault ", " resume "\n\t"                                      \
	".popsection\n\t"

extern volatile int fixup_vector;

#endif /* PVGUEST_TRAP_H */
