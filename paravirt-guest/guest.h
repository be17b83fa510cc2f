/*
 * guest.h - [Pvguest 0] the kernel's start, and the command line.
 *
 * What main.c calls, in order, to get from the boot stack to the first
 * program; the test guest (tests/guest/) calls the same.
 */
#ifndef PVGUEST_GUEST_H
#define PVGUEST_GUEST_H

#include <stdbool.h>

#define CMDLINE_MAX 2048 /* what Linux copies, so what the ABI promises */

/* The command line, copied by early.c before anything else ran. */
extern char boot_cmdline[CMDLINE_MAX];

/* head.S calls this once we run at our link address (main.c). */
void guest_main(void);

/* setup.c */
void kernel_setup(void);
void guest_connect(void);
bool cmdline_has(const char *word);
const char *cmdline_value(const char *key);
/* Is the word at w (ending at a space or NUL) exactly name? */
int word_equals(const char *w, const char *name);

/* init.c */
const char *init_program(void);
__attribute__((noreturn)) void init_run(const char *prog);

#endif /* PVGUEST_GUEST_H */
