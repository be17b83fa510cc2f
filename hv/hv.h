/*
 * hv.h - the top-level pieces hv_main() strings together.
 */
#ifndef HV_HV_H
#define HV_HV_H

#include "bootinfo.h"
#include "options.h"

extern struct boot_info boot_info;
extern struct hv_options hv_options;

/* guest.c: run every configured guest until all have stopped; does not
 * return (ends the machine through hv_exit_machine). */
__noreturn void hv_run_guests(struct guest_config *cfg, int n);

/* selftest.c: run a named self-test of a test build; returns the exit
 * status to end the run with. */
int selftest_run(const char *name);

#endif
