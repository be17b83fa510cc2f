/*
 * head.S - [Pvguest 0] the first instructions the guest runs.
 *
 * The hypervisor loads our ELF image at its physical addresses and jumps to
 * _start in ring 1 (ABI 2.5): CS 0x61, DS/ES/SS 0x69, ESI = address of the
 * boot_params "zero page" (0), ESP = 0, and virtual interrupts off.
 * Paging is in "linear mode": every virtual address is the physical one
 * (ABI 2.6), which is why guest.ld links us where we are loaded.
 *
 * All we do here is what C cannot: get a stack.  ESP = 0 is not one.
 */
#include "asm.h"

	.section .text.entry, "ax"
	.globl _start
_start:
	movl $boot_stack_top, %esp
	xorl %ebp, %ebp			/* the end of every backtrace */

	/*
	 * Zero the BSS.  The hypervisor hands us zeroed memory (ABI 2.3),
	 * but a kernel that checks costs one instruction here and spares a
	 * reader the question.  The stack is in the BSS: nothing is on it
	 * yet.  "rep stosl" runs in ring 1 like any other instruction.
	 */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	cld
	rep stosl

	pushl %esi			/* struct boot_params * */
	call guest_main
	ud2				/* guest_main never returns */

	.bss
	.align 16
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:
