/*
 * ap_trampoline.S - [Processors 3] the first instructions of every processor but
 * the first.
 *
 * An application processor starts in real mode at the page its
 * STARTUP IPI names (CS = page * 256, IP = 0), with nothing set up.
 * hv/machine/smp.c copies these bytes to that page (AP_TRAMPOLINE, below
 * 1 MiB, as real mode requires) and sends the IPI.  The code must run
 * wherever it was copied, so every address in it is the page's base plus
 * an offset into this block.  It goes to protected mode on a GDT of its
 * own, turns on paging with the boot directory (boot/multiboot2.S),
 * which maps this page where it is and the hypervisor at HV_BASE, and
 * jumps high, to ap_start_high, on the stack smp.c left in ap_boot_stack.
 */

#define AP_TRAMPOLINE 0x8000	/* smp.c: the page the STARTUP IPI names */
#define OFF(label) ((label) - ap_trampoline_start)
#define AT(label) (AP_TRAMPOLINE + OFF(label))

	.section .rodata
	.code16
	.globl ap_trampoline_start
ap_trampoline_start:
	cli
	cld
	movw %cs, %ax		/* 0x0800: the page, in paragraphs */
	movw %ax, %ds
	lgdtl OFF(tramp_gdtr)
	movl %cr0, %eax
	orl $1, %eax		/* protected mode */
	movl %eax, %cr0
	ljmpl $0x08, $AT(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movl %cr4, %eax
	orl $0x10, %eax		/* 4 MiB pages (the boot directory's) */
	movl %eax, %cr4
	movl $boot_pgdir, %eax	/* linked where it is loaded: physical */
	movl %eax, %cr3
	movl %cr0, %eax
	orl $0x80010000, %eax	/* paging, write protection */
	movl %eax, %cr0
	movl ap_boot_stack, %esp /* now at its high address */
	movl $ap_start_high, %eax
	jmp *%eax

	.align 8
tramp_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF	/* 0x08: code, base 0, 4 GiB, ring 0 */
	.quad 0x00CF92000000FFFF	/* 0x10: data, the same */
tramp_gdtr:
	.word 3 * 8 - 1
	.long AT(tramp_gdt)
	.globl ap_trampoline_end
ap_trampoline_end:

	.text
	.code32
ap_start_high:
	xorl %ebp, %ebp		/* the end of this CPU's backtraces */
	pushl $0
	popfl
	call ap_main		/* hv/machine/smp.c; never returns */
1:	cli
	hlt
	jmp 1b
