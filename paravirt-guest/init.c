/*
 * init.c - [Pvguest 20] "shell" and "run=PROG": the kernel starts one
 * program and lives for it, as Unix starts init.
 *
 * The program runs in ring 3 like any other; the console is its
 * terminal, and the disk is where exec finds programs.  When it and every
 * process it left behind have exited, we power off.  The program can
 * also power off or reboot the machine itself (SYS_shutdown).
 */
#include "console.h"
#include "guest.h"
#include "hcall.h"
#include "proc.h"

#define PROG_NAME_MAX 32

/*
 * The program the command line asks for: "run=PROG", or "shell" (the
 * same as run=shell, and what main.c starts when nothing is asked for).
 * NULL if it names none.
 */
const char *init_program(void)
{
	const char *prog = cmdline_value("run=");

	if (prog)
		return prog;
	return cmdline_has("shell") ? "shell" : NULL;
}

void init_run(const char *prog)
{
	char name[PROG_NAME_MAX];
	struct proc *p;
	int status, pid, first, result = -1;
	unsigned int i;

	/* The name ends at the next word of the command line. */
	for (i = 0; i < sizeof(name) - 1 && prog[i] && prog[i] != ' '; i++)
		name[i] = prog[i];
	name[i] = '\0';

	proc_init();
	p = proc_spawn(name, 0);
	if (!p) {
		printf("guest: init: no program '%s'\n", name);
		guest_poweroff("init: no program");
	}
	first = p->pid;
	while ((pid = proc_wait(&status)) > 0) {
		if (pid != first)
			continue;
		result = status;
		printf("guest: init: %s exited with status %d\n", name, status);
	}
	guest_poweroff(result == 0 ? "init: program finished"
				   : "init: program failed");
}
