/*
 * multiboot2.S - the first bytes GRUB looks at, and the first instructions
 * the hypervisor runs.
 *
 * [Boot 1] GRUB searches the first 32 KiB of hv.elf for the Multiboot2
 * header below, loads our ELF segments at their physical addresses, and
 * jumps to _start in 32-bit protected mode with paging off, EAX holding the
 * Multiboot2 magic and EBX the physical address of the boot information
 * (command line, memory map, modules...).  That is true on BIOS and on UEFI
 * alike: GRUB's EFI build exits boot services and drops to 32-bit mode for
 * us, so there is one entry path.
 */
#include "hv/include/multiboot2.h"

	.section .multiboot2, "a"
	.align 8
.Lmb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long .Lmb2_header_end - .Lmb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (.Lmb2_header_end - .Lmb2_header))

	/* Ask for the tags we parse; all optional so GRUB never refuses us. */
	.align 8
.Linfo_request:
	.short MB2_HEADER_TAG_INFO_REQUEST
	.short MB2_HEADER_TAG_OPTIONAL
	.long .Linfo_request_end - .Linfo_request
	.long MB2_TAG_CMDLINE
	.long MB2_TAG_MODULE
	.long MB2_TAG_BASIC_MEMINFO
	.long MB2_TAG_MMAP
	.long MB2_TAG_FRAMEBUFFER
	.long MB2_TAG_ACPI_OLD
	.long MB2_TAG_ACPI_NEW
	.long MB2_TAG_EFI_MMAP
.Linfo_request_end:

	/* Page-align modules: guest images and disks are mapped page by page. */
	.align 8
	.short MB2_HEADER_TAG_MODULE_ALIGN
	.short 0
	.long 8

	/* A framebuffer, please: on UEFI there is no text mode, and without
	 * this tag GRUB finds no video mode it may give us and leaves us
	 * with no screen at all.  On BIOS, grub.cfg says "gfxpayload=text"
	 * and GRUB keeps the VGA text mode (then the framebuffer tag it
	 * hands over says "EGA text").  The size is a wish, not a demand,
	 * and the tag is optional: a machine without graphics still boots,
	 * serial only.  drivers/fbscreen.c draws on what we get. */
	.align 8
	.short MB2_HEADER_TAG_FRAMEBUFFER
	.short MB2_HEADER_TAG_OPTIONAL
	.long 20
	.long 1024		/* width in pixels */
	.long 768		/* height */
	.long 32		/* bits per pixel */

	/* End of tags. */
	.align 8
	.short MB2_HEADER_TAG_END
	.short 0
	.long 8
.Lmb2_header_end:

	.text
	.globl _start
_start:
	cli
	cld
	/* One boot stack serves the hypervisor for its whole life: it never
	 * takes an interrupt on top of itself except while idle (see idle.c). */
	movl $boot_stack_top, %esp
	xorl %ebp, %ebp		/* ends the backtrace chain */
	pushl $0		/* clear EFLAGS: no stray flags from the loader */
	popfl
	pushl %ebx		/* Multiboot2 information address */
	pushl %eax		/* Multiboot2 magic */
	call hv_main
	/* hv_main never returns; if it did, stop here for good. */
1:	cli
	hlt
	jmp 1b

	.section .bss
	.align 16
	.globl boot_stack_bottom
boot_stack_bottom:
	.skip 32768
	.globl boot_stack_top
boot_stack_top:
