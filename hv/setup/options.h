/*
 * options.h - the hypervisor's own command line (the words after hv.elf on
 * GRUB's "multiboot2" line) and the module strings that describe guests.
 *
 * Both are parsed exactly once, at boot, by pure functions that report every
 * problem by name through a callback and carry on with the defaults: a typo
 * never stops the machine, and never goes unmentioned.  README.md lists the
 * options; docs/boot-config.md the module syntax.
 */
#ifndef HV_OPTIONS_H
#define HV_OPTIONS_H

#include "hv/lib/lib.h"

enum exit_method {
	EXIT_ACPI,   /* ACPI S5 power-off, falling back to halt (default) */
	EXIT_QEMU,   /* QEMU's isa-debug-exit port: the run's exit status */
	EXIT_HALT,   /* stop the CPU and wait for someone to press reset */
	EXIT_REBOOT, /* reset the machine */
};

enum irqchip_mode {
	IRQCHIP_AUTO, /* the APICs if the MADT lists them, else the 8259s */
	IRQCHIP_APIC, /* the same, but say so if it has to be the 8259s */
	IRQCHIP_PIC,  /* the 8259s and the PIT, even with an APIC */
};

enum exits_mode {
	EXITS_AUTO,	/* resident where the CPU enforces segment limits */
	EXITS_RESIDENT, /* the hypervisor in every guest address space */
	EXITS_SWITCH,	/* lguest's design: a CR3 load each way per exit */
};

struct hv_options {
	int loglevel;	   /* LOG_ERR .. LOG_DEBUG */
	uint32_t consoles; /* CONSOLE_SERIAL | CONSOLE_SCREEN */
	uint16_t com_port;
	uint32_t com_baud;
	enum exit_method exit;
	uint16_t qemu_exit_port;
	uint32_t disk_timeout_s; /* how long a disk may take over a request */
	char uplink[16];	 /* the card the network's uplink is: a name
				    prefix ("e1000", "vnet"), "none", or ""
				    for the first card found */
	char uplink_switch[16];	 /* the switch it joins ("lan") */
	char selftest[32]; /* test builds only: which self-test to run */
	enum irqchip_mode irqchip;
	bool keyboard;	   /* drive the PS/2 keyboard (keyboard=on, default) */
	enum exits_mode exits;
};

typedef void (*report_fn)(const char *msg);

/* The hypervisor's options, parsed once by hv_main (hv/main.c). */
extern struct hv_options hv_options;

void options_defaults(struct hv_options *o);
/* Returns the number of problems reported (0: a clean command line). */
unsigned options_parse(const char *cmdline, struct hv_options *o,
		       report_fn report);

/* ---- Guests, from the module strings ---- */

#define MAX_GUESTS 4
#define GUEST_NAME_MAX 16
#define GUEST_CMDLINE_MAX 2048 /* the guest copies 2048 bytes, NUL included */
#define GUEST_DISK_SPEC_MAX 48 /* "uuid:" and a GUID, with room to spare */
#define GUEST_MEM_DEFAULT MiB(64)
/* weight=: a guest's share of the CPU against the others' (sched.c). */
#define GUEST_WEIGHT_DEFAULT 1
#define GUEST_WEIGHT_MAX 16
/* cpu=: the CPU a guest is pinned to, 0 to GUEST_CPU_MAX - 1.  The same
 * number as MAX_CPUS in hv/machine/smp.h, which this room may not include;
 * whether that CPU is online is known only once the CPUs are started. */
#define GUEST_CPU_MAX 16
#define GUEST_MEM_MIN MiB(2)
#define GUEST_MEM_MAX MiB(2048)

enum restart_policy {
	RESTART_NEVER,	  /* a guest that stops stays stopped (default) */
	RESTART_ON_CRASH, /* restart after a crash or a kill, not power-off */
	RESTART_ALWAYS,	  /* restart whenever it stops, except power-off */
};

struct guest_config {
	char name[GUEST_NAME_MAX];
	uint32_t mem_bytes;
	int kernel_mod; /* index into boot_info.mods, or -1 */
	int initrd_mod;
	int disk_mod;	/* a RAM disk module, or -1 */
	char disk_spec[GUEST_DISK_SPEC_MAX]; /* disk=DEV: real storage, or "" */
	char net_switch[GUEST_NAME_MAX]; /* net=SWITCH, or "": no network */
	uint8_t net_mac[6];		 /* mac=, if net_mac_given */
	bool net_mac_given;
	bool disk_readonly;
	enum restart_policy restart;
	uint32_t weight; /* 1 to GUEST_WEIGHT_MAX */
	int cpu;	 /* cpu=: pinned to this CPU, or -1: unpinned */
	bool notes;	 /* notes=on: the notes device (ABI 11.14) */
	char cmdline[GUEST_CMDLINE_MAX];
	bool ok; /* false: refused, with the reasons already reported */
};

struct boot_info;
/* Fill `cfg` (room for MAX_GUESTS) from the module strings; returns the
 * number of guests described, including refused ones (ok == false). */
unsigned guests_parse(const struct boot_info *bi, struct guest_config *cfg,
		      report_fn report);

#endif
