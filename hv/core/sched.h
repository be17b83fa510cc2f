/*
 * sched.h - choosing which guest runs.
 */
#ifndef HV_CORE_SCHED_H
#define HV_CORE_SCHED_H

#include "hv/lib/lib.h"
#include "hv/setup/options.h"

/* Run every configured guest until all have stopped; does not return
 * (ends the machine through hv_exit_machine). */
__noreturn void hv_run_guests(struct guest_config *cfg, int n);

#endif
