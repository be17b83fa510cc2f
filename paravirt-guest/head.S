/*
 * head.S - [Pvguest 0] the first instructions the guest runs.
 *
 * The hypervisor loads our ELF image at its physical addresses and jumps to
 * _start in ring 1 (ABI 2.5): CS 0x61, DS/ES/SS 0x69, ESI = address of the
 * boot_params "zero page" (0), ESP = 0, and virtual interrupts off.
 * Paging is in "linear mode": every virtual address is the physical one
 * (ABI 2.6).
 *
 * But we are linked at 0xC0400000 (guest.ld), 3 GiB above where we are
 * loaded, and our page tables do not exist yet.  Until they do, this code
 * and early.c run at the physical addresses: jumps and calls are relative,
 * so they work anywhere, but every address of a variable must be made
 * physical by hand (the "- PAGE_OFFSET" below, PHYS() in early.c).
 * early_boot() builds the page tables and switches to them; then one
 * absolute jump takes us up to our link address, and from guest_main() on
 * everything is ordinary C.
 */
#include "asm.h"
#include "mmu.h"

#define PHYS(sym) ((sym) - PAGE_OFFSET)

	.section .text.entry, "ax"
	.globl _start
_start:
	movl $PHYS(boot_stack_top), %esp
	xorl %ebp, %ebp			/* the end of every backtrace */

	/*
	 * Zero the BSS.  The hypervisor hands us zeroed memory (ABI 2.3),
	 * but a kernel that checks costs one instruction here and spares a
	 * reader the question.  The stack is in the BSS: nothing is on it
	 * yet.  "rep stosl" runs in ring 1 like any other instruction.
	 */
	movl $PHYS(__bss_start), %edi
	movl $PHYS(__bss_end), %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	cld
	rep stosl

	pushl %esi			/* struct boot_params *, physical */
	call early_boot			/* LGUEST_INIT, tables, NEW_PGTABLE */
	addl $4, %esp

	/*
	 * We are still at a physical address, which the "identity" half of
	 * the new page tables maps to itself, so this instruction runs.  The
	 * jump goes to the link address of "high", through the other half.
	 */
	movl $high, %eax
	jmp *%eax
high:
	movl $boot_stack_top, %esp	/* the same stack, seen from above */
	call guest_main
	ud2				/* guest_main never returns */

	.bss
	.align 4096
	.globl boot_stack, boot_stack_top
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:
