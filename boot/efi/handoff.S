/*
 * handoff.S - [Uefi 4] from UEFI's 64-bit long mode to the 32-bit
 * protected mode the hypervisor's _start expects.
 *
 * UEFI runs us in long mode with paging on and every address mapped to
 * itself.  The hypervisor wants what Multiboot2 promises (and GRUB's EFI
 * build does): 32-bit protected mode, flat segments, paging off, A20 on
 * (it always is under UEFI), interrupts off, EAX = 0x36d76289 and EBX =
 * the information block.  Leaving long mode is the reverse of entering it
 * (Intel SDM vol. 3, 10.8.5.4):
 *
 *   1. be in compatibility mode: 32-bit code under long mode's paging,
 *      reached by a far jump to a code segment with L = 0, D = 1;
 *   2. clear CR0.PG: the processor leaves long mode (EFER.LMA reads 0);
 *      this instruction's page must be identity-mapped, which is why
 *      these bytes run from a copy placed below 4 GiB;
 *   3. clear EFER.LME, so turning paging on again means legacy paging;
 *   4. load 32-bit data segments, copy the hypervisor's segments into
 *      place, and jump to the entry.
 *
 * main.c copies handoff_start..handoff_end to a page below 4 GiB and
 * calls the copy as handoff(entry, mbi, copies): entry in RDI, the
 * information block's address in RSI, the table of copies in RDX
 * (System V calling convention).  Each entry of the table is four
 * 32-bit words, {dst, src, filesz, memsz}: filesz bytes from the staging
 * pages at src to the segment's physical address dst, then zeros up to
 * memsz; memsz 0 ends the table.  The copies wait until paging is off
 * because the destination may be memory the firmware used until
 * ExitBootServices() (its page tables, even our stack): main.c checked
 * that, and from here on none of it is needed.  Nothing here
 * uses an absolute address: the GDT and its descriptor are found
 * RIP-relative, so the copy works wherever it lands.  No stack is used
 * after the far jump: the firmware's stack may be above 4 GiB, and the
 * hypervisor sets its own.
 *
 * The descriptors are flat 4 GiB segments (base 0, limit 0xFFFFF pages):
 *   0x08  32-bit code, ring 0   (access 0x9A, flags G=1 D=1)
 *   0x10  32-bit data, ring 0   (access 0x92, flags G=1 B=1)
 * No 64-bit code segment is needed: CS keeps the firmware's cached
 * descriptor from lgdt until the far jump reloads it, and interrupts are
 * off, so nothing reloads CS from our table in between.
 */
#include "hv/include/multiboot2.h"

#define HANDOFF_CS32 0x08
#define HANDOFF_DS32 0x10
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_PCIDE (1 << 17)
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
/* struct handoff_copy in main.c. */
#define COPY_DST 0
#define COPY_SRC 4
#define COPY_FILESZ 8
#define COPY_MEMSZ 12
#define COPY_SIZE 16

	.text
	.code64
	.globl handoff_start
	.globl handoff_end
handoff_start:
	cli				/* nothing may interrupt half a mode */
	cld				/* movs and stos below go upwards */
	movl %esi, %ebx			/* EBX: the information block */
	movl %edi, %ebp			/* EBP: the entry */
	movl %edx, %edi			/* EDI: the copies (RDMSR takes EDX) */
	leaq gdt(%rip), %rax		/* this copy's GDT, wherever it is */
	movq %rax, gdtr_base(%rip)	/* into the descriptor lgdt reads */
	lgdt gdtr(%rip)			/* our table; CS's cache unchanged */
	movq %cr4, %rax			/* MOV to CR0 that clears PG faults */
	andq $~CR4_PCIDE, %rax		/* if PCIDE is set: clear it first */
	movq %rax, %cr4			/* (the firmware rarely sets it) */
	leaq compat(%rip), %rax		/* where the far return lands */
	pushq $HANDOFF_CS32		/* the 32-bit code segment... */
	pushq %rax			/* ...and the offset in it */
	lretq				/* load CS: compatibility mode */

	.code32
compat:
	movl %cr0, %eax			/* paging off leaves long mode: */
	andl $~CR0_PG, %eax		/* legal only in compatibility */
	movl %eax, %cr0			/* mode, from an identity page */
	movl $MSR_EFER, %ecx		/* EFER.LME off: a later paging-on */
	rdmsr				/* by the hypervisor is then the */
	andl $~EFER_LME, %eax		/* 32-bit kind it expects */
	wrmsr
	movl %cr4, %eax			/* PAE belongs to the firmware's */
	andl $~CR4_PAE, %eax		/* page tables, not to ours: the */
	movl %eax, %cr4			/* hypervisor sets CR4 as it needs */
	movl $HANDOFF_DS32, %eax	/* flat 32-bit data everywhere */
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %fs
	movl %eax, %gs
	movl %eax, %ss
	movl %edi, %edx			/* EDX: the copies (EDI is for movs) */
copy_segment:
	movl COPY_MEMSZ(%edx), %ecx	/* memsz 0: the end of the table */
	testl %ecx, %ecx
	jz copied
	movl COPY_DST(%edx), %edi	/* to the segment's address */
	movl COPY_SRC(%edx), %esi	/* from its staging copy */
	movl COPY_FILESZ(%edx), %ecx	/* the bytes the file holds */
	rep movsb			/* (EDI ends where the zeros begin) */
	movl COPY_MEMSZ(%edx), %ecx	/* then memsz - filesz zeros: */
	subl COPY_FILESZ(%edx), %ecx	/* the .bss */
	xorl %eax, %eax
	rep stosb
	addl $COPY_SIZE, %edx		/* the next entry */
	jmp copy_segment
copied:
	movl $MB2_BOOTLOADER_MAGIC, %eax /* EAX: "a Multiboot2 loader" */
	jmp *%ebp			/* the hypervisor's _start */

	.balign 8
gdt:
	.quad 0				/* 0x00: the null descriptor */
	.quad 0x00CF9A000000FFFF	/* 0x08: flat 32-bit code */
	.quad 0x00CF92000000FFFF	/* 0x10: flat 32-bit data */
gdt_end:
	.balign 8
	.word 0				/* pad: the base on a 4-byte boundary */
gdtr:
	.word gdt_end - gdt - 1		/* the GDT's limit */
gdtr_base:
	.quad 0				/* its address, set at run time */
handoff_end:

	/* No executable stack is asked of the linker. */
	.section .note.GNU-stack, "", @progbits
