/*
 * idt.c - [Pvguest 6] our interrupt descriptor table, by hypercall.
 *
 * We may not load an IDT ourselves (lidt is privileged), and the real one
 * must send everything to the hypervisor anyway.  Instead we give the
 * hypervisor our gates one by one with LHCALL_LOAD_IDT_ENTRY, in the
 * ordinary 8-byte gate format, and it reflects each trap to the handler we
 * named (ABI 8.1, 8.3).  We register the same vectors as Linux 4.9.
 */
#include "hcall.h"
#include "idt.h"
#include "trap.h"
#include "x86.h"

/* Stub addresses from entry.S: vectors 0-47, and the system call. */
extern const uint32_t trap_stubs[IRQ_BASE + NR_IRQS];
extern const uint32_t trap_stub_syscall[1];

void idt_set_gate(unsigned int vector, uint32_t handler, unsigned int dpl,
		  unsigned int type)
{
	hcall(LHCALL_LOAD_IDT_ENTRY, vector, gate_lo(GUEST_KERNEL_CS, handler),
	      gate_hi(handler, dpl, type));
}

/* The system call's gate type: setup.c's "sysgate=" option. */
unsigned int syscall_gate_type = GATE_INTERRUPT;

/*
 * Register the gates and return how many.  All but the system call's are
 * interrupt gates (type 0xE) so that the hypervisor turns our interrupts
 * off as it delivers.
 * Vectors 3 (int3) and 4 (into) get DPL 3, as does the system call, so
 * that user programs may raise them with "int" once we have any.  We skip
 * what the hypervisor would ignore or Linux leaves out: 2 (NMI), 8 (double
 * fault), 15 (reserved), 18 (machine check), 20-31 (reserved).
 */
unsigned int idt_init(void)
{
	static const unsigned char exceptions[] = {
		0, 1, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 16, 17, 19,
	};
	unsigned int n = 0, v;

	for (unsigned int i = 0; i < sizeof(exceptions); i++) {
		v = exceptions[i];
		idt_set_gate(v, trap_stubs[v], (v == 3 || v == 4) ? 3 : 0,
			     GATE_INTERRUPT);
		n++;
	}
	for (v = IRQ_BASE; v < IRQ_BASE + NR_IRQS; v++) {
		idt_set_gate(v, trap_stubs[v], 0, GATE_INTERRUPT);
		n++;
	}
	/*
	 * A trap gate (sysgate=trap) leaves interrupts on in the handler,
	 * which is what Linux does for system calls, and is what lets a
	 * hypervisor deliver it directly, without a trip through itself
	 * (ABI 8.2).  Ours reflects every vector today either way.
	 */
	idt_set_gate(SYSCALL_VECTOR, trap_stub_syscall[0], 3,
		     syscall_gate_type);
	return n + 1;
}
