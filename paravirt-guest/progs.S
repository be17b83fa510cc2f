/*
 * progs.S - [Pvguest 9] the user programs, built into the kernel image.
 *
 * guest.mk builds each program in user/ to a flat binary and tells the
 * assembler where they are (-I); this file pulls in every one listed in
 * user/progs.def and puts it in the table exec.c reads (progs.h).
 */
#include "progs.h"

#define PROG(n) PROG_BYTES n
#include "user/progs.def"
