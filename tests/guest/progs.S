/*
 * progs.S - [Testguest 3] the tests' user programs, built into the test
 * guest's image.
 *
 * The same macro as the kernel's progs.S: each program lands in the
 * .progs table, which the linker gathers from both files, so exec.c
 * finds these next to the kernel's own (paravirt-guest/progs.h).
 */
#include "paravirt-guest/progs.h"

#define PROG(n) PROG_BYTES n
#include "user/progs.def"
