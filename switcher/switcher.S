/*
 * switcher.S - [Switcher 1] the one place where stacks, segments and
 * address spaces all change at once.  Everything here is linked to run at
 * SWITCHER_BASE (0xFFC00000), which is mapped at the same address in the
 * hypervisor's page directory and in every guest's shadow page directory,
 * so these instructions keep running while CR3 changes under them.
 *
 * Two paths:
 *   - every interrupt and exception, from any ring, enters through a stub
 *     below, which builds a struct trapframe (hv/include/trapframe.h);
 *   - switcher_enter() loads a guest's registers and address space and
 *     "irets" into it, and is "returned from" when the guest next traps.
 *
 * Interrupts are off throughout: interrupt gates clear IF on entry, and
 * the hypervisor keeps IF clear whenever it runs (except in idle).
 */
#include "switcher/switcher.h"
#include "hv/include/trapframe.h"
#include "hv/include/x86.h"

	.section .switcher.text, "ax"
	.code32

/*
 * [Switcher 2] The 256 entry stubs.  The CPU pushes an error code for
 * some exceptions only; the stubs for the others push a 0 in its place so
 * every frame has the same shape.  Then the vector, then one common path.
 */
.macro STUB vec
stub_\vec:
	.if \vec >= 32
	pushl $0
	.elseif !((X86_ERROR_CODE_VECTORS >> \vec) & 1)
	pushl $0
	.endif
	pushl $\vec
	jmp common_entry
.endm

	.altmacro
.macro STUBS from, to
	STUB %from
	.if \to-\from
	STUBS %(\from+1), \to
	.endif
.endm
	/* (Split in four: the assembler limits macro recursion depth.) */
	STUBS 0, 63
	STUBS 64, 127
	STUBS 128, 191
	STUBS 192, 255

/*
 * [Switcher 3] The common path.  Save everything, then ask where we came
 * from: the CS the CPU pushed holds the ring of the interrupted code.
 */
common_entry:
	/* A gate leaves the direction flag as the interrupted code had it,
	 * and a guest may have set it ("std").  Our C code, and its
	 * "rep movs" and "rep stos", count on it clear: a guest that could
	 * make us copy or zero memory downwards would write below our
	 * buffers.  The guest's own flag comes back with its EFLAGS. */
	cld
	pushl %ds
	pushl %es
	pushl %fs
	pushl %gs
	pushal
	testl $3, TF_CS(%esp)
	jnz from_guest

	/* Ring 0.  Either the hypervisor itself was interrupted (an IRQ while
	 * idle, an NMI or a machine check anywhere, or a bug), or the last
	 * steps of entering a guest faulted: reloading one of its segment
	 * registers, or the iret.  The second is the guest's fault, not ours;
	 * treat it as an exit.  An NMI or machine check in those steps is
	 * neither: it is handled, and the steps go on. */
	cmpl $2, TF_TRAPNO(%esp)		/* T_NMI (x86.h is C only there) */
	je 1f
	cmpl $18, TF_TRAPNO(%esp)		/* T_MACHINE_CHECK */
	je 1f
	cmpl $guest_return_start, TF_EIP(%esp)
	jb 1f
	cmpl $guest_return_iret, TF_EIP(%esp)
	jbe bad_guest_state
1:
	movl $HV_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	/* With exits=switch we are almost always in our own address space.
	 * The exception is an NMI or machine check in the few instructions
	 * of switcher_enter() between loading a guest's CR3 and its iret:
	 * then hv_trap() is not mapped, so switch for the call and back
	 * after.  (Only when needed: every CR3 load flushes the TLB.)  With
	 * exits=resident (exit_cr3 0) every guest directory maps us. */
	movl %cr3, %ebx
	subl $8, %esp		/* this CPU's descriptor page: its GDT's */
	sgdt (%esp)		/* page (hv/include/percpu.h) */
	movl 2(%esp), %eax
	addl $8, %esp
	andl $~0xFFF, %eax
	movl SWDESC_EXIT_CR3(%eax), %eax
	testl %eax, %eax
	jz 2f
	cmpl %eax, %ebx
	je 2f
	movl %eax, %cr3
2:	pushl %esp		/* the struct trapframe * argument */
	call hv_trap		/* hv/machine/trap.c */
	addl $4, %esp
	movl %cr3, %eax
	cmpl %eax, %ebx
	je 3f
	movl %ebx, %cr3
3:	popal
	popl %gs
	popl %fs
	popl %es
	popl %ds
	addl $8, %esp		/* drop vector and error code */
	iret

/* Out of a guest, into the hypervisor's segments and, with exits=switch,
 * its page directory (the exit's CR3 in the descriptor page is 0 with
 * exits=resident: stay).  We are on this CPU's stack page, whose
 * descriptor page is the one below: %ebx keeps it (the guest's %ebx is
 * in the frame already). */
.macro TO_HYPERVISOR
	movl $HV_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movl %esp, %ebx
	andl $~0xFFF, %ebx
	subl $4096, %ebx
	movl SWDESC_EXIT_CR3(%ebx), %eax
	testl %eax, %eax
	jz 1f
	movl %eax, %cr3
1:
.endm

/*
 * [Switcher 4] A guest trapped.  The CPU switched to the Switcher stack
 * page (TSS.esp0) and we saved the guest's registers there.  We are still
 * in the guest's address space: load the hypervisor's segments and, with
 * exits=switch, its page directory; with exits=resident the guest's maps
 * all of the hypervisor (hv/include/layout.h), and we stay.  Then resume
 * the hypervisor where switcher_enter() left it.
 */
from_guest:
	TO_HYPERVISOR
	xorl %eax, %eax		/* result: a normal exit, frame in place */
	jmp back_to_host

bad_guest_state:
	TO_HYPERVISOR
	movl TF_TRAPNO(%esp), %eax
	movl %eax, SWDESC_BAD_VECTOR(%ebx) /* writable in our mapping */
	movl $TRAP_BAD_GUEST_STATE, %eax

back_to_host:
	movl SWDESC_HOST_ESP(%ebx), %esp /* where switcher_enter() was */
	popl %ebp
	popl %edi
	popl %esi
	popl %ebx
	ret

/*
 * [Switcher 5] uint32_t switcher_enter(uint32_t guest_cr3,
 *                                     struct switcher_cpu *c)
 *
 * The caller has written the guest's registers into the frame at the top
 * of this CPU's stack page (c->stack) and loaded the guest's GDT entries.
 * Save our callee-saved registers and stack pointer (in c->desc, still
 * writable: this is our page directory, or with exits=resident ours
 * inside the guest's), switch to the guest's page tables, and pop the
 * frame into the CPU.  The iret lands in ring 1 or 3; we come back
 * through from_guest when the guest next traps.
 */
	.globl switcher_enter
switcher_enter:
	pushl %ebx
	pushl %esi
	pushl %edi
	pushl %ebp
	movl 20(%esp), %eax	/* guest_cr3 */
	movl 24(%esp), %ecx	/* c: its descriptor page, then its stack */
	movl %esp, SWDESC_HOST_ESP(%ecx)
	leal (8192 - TF_SIZE)(%ecx), %esp
	movl %cr3, %edx
	cmpl %eax, %edx
	je guest_return_start	/* resident: already in it, nothing to flush */
	movl %eax, %cr3
guest_return_start:
	popal
	popl %gs		/* any of these four may fault on a selector */
	popl %fs		/* the guest broke; common_entry turns that */
	popl %es		/* into TRAP_BAD_GUEST_STATE */
	popl %ds
	addl $8, %esp		/* skip vector and error code */
guest_return_iret:
	iret
	.globl __switcher_text_end
__switcher_text_end:

	/* The table of stub addresses, used to build the IDT. */
	.section .rodata
	.align 4
	.globl switcher_stub_table
switcher_stub_table:
.macro STUBADDR vec
	.long stub_\vec
.endm
.macro STUBADDRS from, to
	STUBADDR %from
	.if \to-\from
	STUBADDRS %(\from+1), \to
	.endif
.endm
	STUBADDRS 0, 63
	STUBADDRS 64, 127
	STUBADDRS 128, 191
	STUBADDRS 192, 255

