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
#include "hv/include/layout.h"
#include "hv/include/multiboot2.h"

/* x86.h keeps its C suffixes; these three are SDM vol. 3, 2.5 and 4.3. */
#define BOOT_PDE_4M 0x83		/* present, writable, 4 MiB page */
#define BOOT_CR4_PSE 0x10
#define BOOT_CR0_PG_WP 0x80010000

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

/*
 * [Boot 1a] Paging first.  Everything but these lines is linked at
 * HV_BASE + its load address (linker.ld), so before any C runs we need a
 * page directory that maps the image there.  A temporary one will do:
 * the first DIRECT_MAP_SIZE of physical memory twice, at 0 (where this
 * code is running, for the instructions between turning paging on and
 * the jump) and at HV_BASE, in 4 MiB pages.  paging_init() replaces it
 * with the real one, which keeps only the second.  Every CPU that can run
 * the hypervisor has 4 MiB pages (paging_init() says so if not, though by
 * then it is too late: this is a Pentium-era feature).
 */
	.section .boot.text, "ax"
	.globl _start
_start:
	cli
	cld
	movl %eax, %esi		/* keep the Multiboot2 magic and address */
	movl %ebx, %edi
	movl $boot_pgdir, %edx
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $22, %eax
	orl $BOOT_PDE_4M, %eax
	movl %eax, (%edx,%ecx,4)
	movl %eax, (4 * HV_BASE_PDX)(%edx,%ecx,4)
	incl %ecx
	cmpl $(DIRECT_MAP_SIZE >> 22), %ecx
	jb 1b
	movl %cr4, %eax
	orl $BOOT_CR4_PSE, %eax
	movl %eax, %cr4
	movl %edx, %cr3
	movl %cr0, %eax
	orl $BOOT_CR0_PG_WP, %eax
	movl %eax, %cr0
	movl $start_high, %eax
	jmp *%eax

	.section .boot.bss, "aw", @nobits
	.align 4096
	.globl boot_pgdir	/* the application processors start on it too */
boot_pgdir:
	.skip 4096

	.text
start_high:
	/* One boot stack serves the hypervisor for its whole life: it never
	 * takes an interrupt on top of itself except while idle (see idle.c). */
	movl $boot_stack_top, %esp
	xorl %ebp, %ebp		/* ends the backtrace chain */
	pushl $0		/* clear EFLAGS: no stray flags from the loader */
	popfl
	pushl %edi		/* Multiboot2 information address (physical) */
	pushl %esi		/* Multiboot2 magic */
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
