/*
 * progs.h - [Pvguest 9] the table of programs built into the image.
 *
 * Each entry is a program's name and where its bytes are.  progs.S makes
 * one with PROG_BYTES for every program in user/progs.def; the entries
 * go into a section of their own, .progs, which guest.ld gathers between
 * __progs_start and __progs_end.  So the table is put together by the
 * linker, not by one file that lists every program: an image linked from
 * more than one list (the test guest, tests/guest/, adds its programs to
 * ours) has them all, and exec.c finds them the same way.
 */
#ifndef PVGUEST_PROGS_H
#define PVGUEST_PROGS_H

#ifdef __ASSEMBLER__

/*
 * The bytes of user/NAME.bin (guest.mk says where, with -I), and an
 * entry.  This half is assembly, which clang-format does not know.
 */
/* clang-format off */
.macro PROG_BYTES name
	.section .rodata
	.balign 16
prog_\name\()_start:
	.incbin "\name\().bin"
prog_\name\()_end:
prog_\name\()_name:
	.asciz "\name"

	.section .progs, "a"
	.balign 4
	.long prog_\name\()_name, prog_\name\()_start, prog_\name\()_end
.endm
/* clang-format on */

#else

#include <stdint.h>

struct prog {
	const char *name;
	const uint8_t *start, *end;
};

/* The table, from guest.ld. */
extern const struct prog __progs_start[], __progs_end[];

#endif /* __ASSEMBLER__ */

#endif /* PVGUEST_PROGS_H */
