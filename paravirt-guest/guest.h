/*
 * guest.h - the guest's modes, and what they share.
 */
#ifndef PVGUEST_GUEST_H
#define PVGUEST_GUEST_H

#define CMDLINE_MAX 2048 /* what Linux copies, so what the ABI promises */

/* The command line, copied by early.c before anything else ran. */
extern char boot_cmdline[CMDLINE_MAX];

void guest_connect(void);
__attribute__((noreturn)) void demo_run(void);
__attribute__((noreturn)) void procdemo_run(void);
int procdemo_all(void);
__attribute__((noreturn)) void bench_run(void);
void bench_devices(void);
__attribute__((noreturn)) void init_run(const char *prog);
__attribute__((noreturn)) void blktest_run(void);
void adversary_blk_run(const char *name);
__attribute__((noreturn)) void adversary_run(const char *name);
/* These two return only if they have no test of that name. */
void adversary_mm_run(const char *name);
void procdemo_test(const char *name);
/* Is the word at w (ending at a space or NUL) exactly name? */
int word_equals(const char *w, const char *name);

#endif /* PVGUEST_GUEST_H */
