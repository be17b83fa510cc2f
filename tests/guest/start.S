/*
 * start.S - [Testguest 0] the test guest's first instructions.
 *
 * The hypervisor enters the test guest here, not at the kernel's _start
 * (testguest.mk links it with "-e testguest_start_phys"), so that two of
 * its cases can break a rule before the kernel makes its first
 * hypercall (early_adversary.c).  Then we go on to _start with the
 * registers that matter as the hypervisor left them (ESI, the address of
 * boot_params), and the kernel boots as it always does.
 *
 * Like head.S, this runs at physical addresses in linear mode (ABI 2.6):
 * an address of ours is made physical by hand ("- PAGE_OFFSET"); the
 * call and the jump are relative, so they work here.
 */
#include "paravirt-guest/mmu.h"

	.text
	.globl testguest_start, testguest_start_phys
testguest_start:
	/*
	 * The hypervisor gave us no stack (ESP = 0).  We borrow the
	 * kernel's boot stack, which _start sets up afresh and zeroes with
	 * the rest of the BSS.
	 */
	movl $(boot_stack_top - PAGE_OFFSET), %esp
	pushl %esi			/* struct boot_params *, physical */
	call early_adversary
	popl %esi
	jmp _start

	/* e_entry must be physical, as guest.ld says for _start_phys. */
	.set testguest_start_phys, testguest_start - PAGE_OFFSET
