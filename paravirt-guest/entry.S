/*
 * entry.S - [Pvguest 5] where traps and interrupts arrive, and how we return.
 *
 * The hypervisor delivers every trap and interrupt to us in software
 * (ABI 8.2, 8.3): it pushes EFLAGS, CS and EIP (and an error code for
 * vectors 8, 10-14 and 17) on our current stack, clears irq_enabled, and
 * jumps to the handler address we gave in LOAD_IDT_ENTRY.  From there on it
 * is the same as on bare hardware, with one twist on the way out.
 */
#include "asm.h"
#include "hv/include/lguest.h" /* GUEST_KERNEL_DS, our ring-1 data segment */

	.text

/*
 * One stub per vector.  Each makes the frame look the same: it pushes a
 * dummy error code if the CPU does not supply one, then its vector number,
 * and jumps to the common code.  trap_stubs[] lists their addresses in
 * vector order for idt.c.
 */
.macro TRAP_STUB vector
	.pushsection .rodata
	.long 1f
	.popsection
	.align 4
1:
	.if (\vector == 8) || ((\vector >= 10) && (\vector <= 14)) || \
	    (\vector == 17)
	/* The CPU (and so the hypervisor) pushed an error code already. */
	.else
	pushl $0
	.endif
	pushl $\vector
	jmp trap_common
.endm

	.pushsection .rodata
	.align 4
	.globl trap_stubs
trap_stubs:
	.popsection
/* Exceptions 0-31 and IRQs 0-15 (vectors 0x20-0x2f), in order. */
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23, \
	24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45, \
	46,47
	TRAP_STUB \v
.endr

/* The system-call vector, 0x80, sits on its own. */
	.pushsection .rodata
	.globl trap_stub_syscall
trap_stub_syscall:
	.popsection
	TRAP_STUB 0x80

/*
 * Save the registers, hand C a pointer to the whole frame (struct
 * trapframe in trap.h), and put the registers back, including whatever
 * the handler changed.
 *
 * DS and ES are saved too.  A trap from user mode arrives with the user's
 * DS and ES still loaded (the hypervisor switches only CS, SS and ESP, as
 * the CPU would), and a user program may have loaded anything into them.
 * So we load our own before running C, and put the user's back on the way
 * out.  SS is always ours: the hypervisor switched it (ABI 8.3).
 */
trap_common:
	pushl %ds
	pushl %es
	pushal
	movl $GUEST_KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	cld				/* C expects it; the trap may not */
	pushl %esp
	call trap_dispatch
	addl $4, %esp

/*
 * A new process starts here (proc.c builds a stack that "returns" to
 * this label): what is on the stack is a trapframe that enters user mode.
 */
	.globl trap_return
trap_return:
	popal
	popl %es
	popl %ds
	addl $8, %esp			/* drop vector and error code */

/*
 * Returning: the twist.  "iret" in ring 1 cannot change the real IF, so it
 * would not restore our *virtual* interrupt flag.  We do that by hand:
 * copy the EFLAGS word of the frame (now 8 bytes above ESP, past EIP and
 * CS) into lguest_data.irq_enabled, then "iret" for the rest (ABI 8.5).
 *
 * That leaves a gap: once irq_enabled is written, interrupts are on, but
 * this frame has not been popped yet.  An interrupt delivered here would
 * push a second frame on top, and so on without bound under a steady
 * stream of interrupts.  So we tell the hypervisor (lguest_data.noirq_iret)
 * where our single "iret" is.  An interrupt that arrives with EIP there is
 * delivered by *reusing* this frame instead: the handler runs and its own
 * return does this "iret" for us.
 *
 * The SS override is because DS now holds whatever the interrupted code
 * had, perhaps a user program's selector; SS is always our own.
 */
	pushl 8(%esp)
	popl %ss:lguest_data		/* irq_enabled is at offset 0 */
	.globl lguest_noirq_iret
lguest_noirq_iret:
	iret
