/*
 * main.c - [Pvguest 0] what the kernel does, once it runs at its link
 * address: set itself up, say hello, and start the first program.
 *
 * The first program is the shell (user/shell.c) unless the command line
 * (the text after "--" on the GRUB module line) names another with
 * "run=PROG"; setup.c has the options that change how the kernel itself
 * runs.  The kernel then lives for that program, as Unix lives for init
 * (init.c), and powers off when it is done.
 *
 * That is all this kernel does.  The tests' modes (the ABI tour, the
 * benchmarks, the cases the hypervisor must refuse) are another program,
 * the test guest (tests/guest/): it links every file of ours except this
 * one, with a main.c of its own that calls the same functions and then
 * picks a mode.
 */
#include "guest.h"

void guest_main(void)
{
	const char *prog;

	kernel_setup();
	guest_connect();
	prog = init_program();
	init_run(prog ? prog : "shell");
}
