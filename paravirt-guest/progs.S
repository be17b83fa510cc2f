/*
 * progs.S - [Pvguest 13] the user programs, built into the kernel image.
 *
 * guest.mk builds each program in user/ to a flat binary and tells the
 * assembler where they are (-I); this file pulls in every one listed in
 * user/progs.def, between two symbols exec.c can find.
 */
.macro PROG_BYTES name
	.section .rodata
	.balign 16
	.globl prog_\name\()_start, prog_\name\()_end
prog_\name\()_start:
	.incbin "\name\().bin"
prog_\name\()_end:
.endm

#define PROG(n) PROG_BYTES n
#include "user/progs.def"
