/*
 * testguest.h - [Testguest 0] the test guest's modes, and what they
 * share.  Everything else they use is the kernel's (paravirt-guest/).
 */
#ifndef TESTGUEST_H
#define TESTGUEST_H

#include <stdbool.h>
#include <stdint.h>

/* The modes main.c picks from the command line. */
__attribute__((noreturn)) void demo_run(void);
__attribute__((noreturn)) void procdemo_run(void);
__attribute__((noreturn)) void bench_run(void);
__attribute__((noreturn)) void blktest_run(void);
__attribute__((noreturn)) void rngtest_run(void); /* rngtest.c */
__attribute__((noreturn)) void clocks_run(void);  /* clocks.c */
__attribute__((noreturn)) void disktest_run(const char *step);
__attribute__((noreturn)) void diskbench_run(const char *tag);
__attribute__((noreturn)) void nettest_run(const char *arg);
__attribute__((noreturn)) void fuzz_run(void); /* fuzz.c */
__attribute__((noreturn)) void soak_run(void); /* soak.c */
__attribute__((noreturn)) void sleeptest_run(const char *arg);
__attribute__((noreturn)) void spin_run(void);	  /* hvstats.c */
__attribute__((noreturn)) void compute_run(void); /* compute.c */

/* "test=NAME": each returns only if it has no case of that name. */
void adversary_run(const char *name);
void adversary_mm_run(const char *name);
void adversary_blk_run(const char *name);
void adversary_mmio_run(const char *name);
void adversary_dev_run(const char *name);
void adversary_netdev_run(const char *name); /* adversary_dev.c */
void procdemo_test(const char *name);
void console_flood_run(const char *name);
void hvstats_test(const char *name);
void adversary_gate_run(const char *name);
void notestest_run(const char *name);
void adversary_views_run(const char *name); /* adversary_views.c */

/* main.c: "KEY=N" on our command line, or dflt. */
uint32_t cmdline_number(const char *key, uint32_t dflt);
/* main.c: are the first n bytes of a and b the same? */
bool same_bytes(const void *a, const void *b, uint32_t n);

/* adversary_net.c: the frames of nettest=hostile (nettest.c). */
unsigned int net_send_hostile(uint32_t victim, const uint8_t *mac,
			      uint16_t sport);
const char *net_odd_text(unsigned int i);
void net_send_odd(unsigned int i, uint16_t sport);

/* Parts of one mode that another uses; each returns its failures. */
int fpu_demo(void);
int procdemo_all(void);
void bench_devices(void);

#endif /* TESTGUEST_H */
