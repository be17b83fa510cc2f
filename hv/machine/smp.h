/*
 * smp.h - the machine's other processors (smp.c).
 */
#ifndef HV_MACHINE_SMP_H
#define HV_MACHINE_SMP_H

#include "hv/lib/lib.h"

#define MAX_CPUS 16

/* Start every processor the MADT lists and the firmware enabled, each on
 * a stack of its own (a page from alloc_page) and on our page directory
 * (cr3), and say which came up.  They wait, interrupts off, until there
 * is work for them.  After irq_init() and time_init(). */
void smp_start(uint32_t cr3, void *(*alloc_page)(void));
/* How many processors run the hypervisor (1 without APICs). */
unsigned smp_cpus_online(void);

#endif
