/*
 * test_modconfig.c - guests_parse: from GRUB module strings to guests.
 *
 * The boot_info here is built by hand (only the module strings matter), so
 * each test reads like the grub.cfg it stands for.
 *
 * UNIT_SOURCES: hv/setup/modconfig.c hv/lib/parse.c hv/lib/string.c hv/lib/format.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/setup/bootinfo.h"
#include "hv/setup/options.h"

#define MAX_MSGS 32
static char msgs[MAX_MSGS][300];
static int nr_msgs;

static void capture(const char *msg)
{
	assert_true(nr_msgs < MAX_MSGS);
	snprintf(msgs[nr_msgs], sizeof(msgs[0]), "%s", msg);
	nr_msgs++;
}

/* Both structures are large (boot_info is ~40 KiB): keep them off the
 * stack, and poison the guest table so "not filled in" shows. */
struct fixture {
	struct boot_info *bi;
	struct guest_config cfg[MAX_GUESTS];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->bi = calloc(1, sizeof(*f->bi));
	assert_non_null(f->bi);
	memset(f->cfg, 0xA5, sizeof(f->cfg));
	memset(msgs, 0, sizeof(msgs));
	nr_msgs = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->bi);
	free(f);
	return 0;
}

static void add_mod(struct fixture *f, const char *s)
{
	struct boot_module *m = &f->bi->mods[f->bi->nr_mods++];

	m->start = 0x1000000 * f->bi->nr_mods;
	m->end = m->start + 0x1000;
	snprintf(m->string, sizeof(m->string), "%s", s);
}

static int run(struct fixture *f)
{
	return guests_parse(f->bi, f->cfg, capture);
}

static void assert_msg(int i, const char *want)
{
	assert_true(i < nr_msgs);
	assert_string_equal(msgs[i], want);
}

static void test_no_modules(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(run(f), 0);
	assert_int_equal(nr_msgs, 0);
}

static void test_one_kernel_defaults(void **state)
{
	struct fixture *f = *state;
	struct guest_config *g = &f->cfg[0];

	add_mod(f, "kernel");
	assert_int_equal(run(f), 1);
	assert_int_equal(nr_msgs, 0);
	assert_true(g->ok);
	assert_string_equal(g->name, "guest0");
	assert_int_equal(g->mem_bytes, GUEST_MEM_DEFAULT);
	assert_int_equal(g->kernel_mod, 0);
	assert_int_equal(g->initrd_mod, -1);
	assert_int_equal(g->disk_mod, -1);
	assert_false(g->disk_readonly);
	assert_int_equal(g->restart, RESTART_NEVER);
	assert_int_equal(g->cpu, -1);
	assert_string_equal(g->cmdline, "");
}

static void test_full_guest(void **state)
{
	struct fixture *f = *state;
	struct guest_config *g = &f->cfg[0];

	add_mod(f, "kernel name=pv mem=128M restart=on-crash -- quiet "
		   "root=/dev/vda  console=hvc0");
	add_mod(f, "initrd");
	add_mod(f, "disk ro");
	assert_int_equal(run(f), 1);
	assert_int_equal(nr_msgs, 0);
	assert_true(g->ok);
	assert_string_equal(g->name, "pv");
	assert_int_equal(g->mem_bytes, 128u << 20);
	assert_int_equal(g->restart, RESTART_ON_CRASH);
	assert_int_equal(g->kernel_mod, 0);
	assert_int_equal(g->initrd_mod, 1);
	assert_int_equal(g->disk_mod, 2);
	assert_true(g->disk_readonly);
	/* Verbatim after "--", double spaces and all. */
	assert_string_equal(g->cmdline, "quiet root=/dev/vda  console=hvc0");
}

static void test_two_guests_own_their_modules(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel name=a");
	add_mod(f, "disk");
	add_mod(f, "kernel\tname=b\t--\tinit=/bin/sh");
	add_mod(f, "initrd");
	assert_int_equal(run(f), 2);
	assert_int_equal(nr_msgs, 0);
	assert_int_equal(f->cfg[0].disk_mod, 1);
	assert_int_equal(f->cfg[0].initrd_mod, -1);
	assert_false(f->cfg[0].disk_readonly);
	assert_int_equal(f->cfg[1].kernel_mod, 2);
	assert_int_equal(f->cfg[1].initrd_mod, 3);
	assert_int_equal(f->cfg[1].disk_mod, -1);
	assert_string_equal(f->cfg[1].name, "b");
	assert_string_equal(f->cfg[1].cmdline, "init=/bin/sh");
}

static void test_mem_sizes(void **state)
{
	static const struct {
		const char *opt;
		uint32_t bytes;
	} good[] = {
		{ "mem=2M", 2u << 20 },		{ "mem=64M", 64u << 20 },
		{ "mem=2048M", 2048u << 20 },	{ "mem=2G", 2048u << 20 },
		{ "mem=1g", 1024u << 20 },	{ "mem=4096K", 4u << 20 },
		{ "mem=0x4000000", 64u << 20 }, { "mem=8388608", 8u << 20 },
	};
	struct fixture *f = *state;
	char s[64];

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		snprintf(s, sizeof(s), "kernel %s", good[i].opt);
		add_mod(f, s);
	}
	assert_int_equal(run(f), MAX_GUESTS);
	for (int i = 0; i < MAX_GUESTS; i++) {
		assert_true(f->cfg[i].ok);
		assert_int_equal(f->cfg[i].mem_bytes, good[i].bytes);
	}
	/* The rest are beyond MAX_GUESTS: check them in a second round. */
	f->bi->nr_mods = 0;
	nr_msgs = 0;
	for (size_t i = MAX_GUESTS; i < ARRAY_SIZE(good); i++) {
		snprintf(s, sizeof(s), "kernel %s", good[i].opt);
		add_mod(f, s);
	}
	assert_int_equal(run(f), (int)ARRAY_SIZE(good) - MAX_GUESTS);
	for (size_t i = MAX_GUESTS; i < ARRAY_SIZE(good); i++) {
		assert_true(f->cfg[i - MAX_GUESTS].ok);
		assert_int_equal(f->cfg[i - MAX_GUESTS].mem_bytes,
				 good[i].bytes);
	}
	assert_int_equal(nr_msgs, 0);
}

static void test_mem_bad(void **state)
{
	static const char *const bad[] = {
		"mem=1M",     "mem=0",	     "mem=4G",
		"mem=2049M",  "mem=3000000", "mem=64MB",
		"mem=",	      "mem=-64M",    "mem=64 ",
		"mem=1536K1", "mem=0x",	     "mem=99999999999999999999G",
	};
	struct fixture *f = *state;
	char s[64];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		f->bi->nr_mods = 0;
		nr_msgs = 0;
		snprintf(s, sizeof(s), "kernel %s", bad[i]);
		add_mod(f, s);
		assert_int_equal(run(f), 1);
		if (f->cfg[0].ok)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(f->cfg[0].mem_bytes, GUEST_MEM_DEFAULT);
	}
	f->bi->nr_mods = 0;
	nr_msgs = 0;
	add_mod(f, "kernel mem=1M");
	run(f);
	assert_int_equal(nr_msgs, 1);
	assert_msg(0, "module 0: mem=1M: guest memory must be a whole number "
		      "of MiB from 2M to 2048M");
}

static void test_names(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel name=Web_server-01");
	add_mod(f, "kernel name=abcdefghijklmno");  /* 15: the maximum */
	add_mod(f, "kernel name=abcdefghijklmnop"); /* 16: too long */
	add_mod(f, "kernel name=");
	assert_int_equal(run(f), 4);
	assert_true(f->cfg[0].ok);
	assert_string_equal(f->cfg[0].name, "Web_server-01");
	assert_true(f->cfg[1].ok);
	assert_string_equal(f->cfg[1].name, "abcdefghijklmno");
	assert_false(f->cfg[2].ok);
	assert_string_equal(f->cfg[2].name, "guest2");
	assert_false(f->cfg[3].ok);
	assert_int_equal(nr_msgs, 2);
	assert_msg(0, "module 2: name must be 1 to 15 characters");
	assert_msg(1, "module 3: name must be 1 to 15 characters");
}

static void test_names_bad_characters(void **state)
{
	static const char *const bad[] = {
		"name=a.b", "name=a/b",	 "name=a%s", "name=caf\xc3\xa9",
		"name=a:b", "name=\x01", "name=a=b",
	};
	struct fixture *f = *state;
	char s[64];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		f->bi->nr_mods = 0;
		nr_msgs = 0;
		snprintf(s, sizeof(s), "kernel %s", bad[i]);
		add_mod(f, s);
		assert_int_equal(run(f), 1);
		if (f->cfg[0].ok)
			fail_msg("'%s' accepted", bad[i]);
		assert_string_equal(f->cfg[0].name, "guest0");
		assert_int_equal(nr_msgs, 1);
	}
	assert_msg(0, "module 0: name 'a=b' may hold only letters, digits, "
		      "'-' and '_'");
}

static void test_restart(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel restart=never");
	add_mod(f, "kernel restart=on-crash");
	add_mod(f, "kernel restart=always");
	add_mod(f, "kernel restart=sometimes");
	assert_int_equal(run(f), 4);
	assert_int_equal(f->cfg[0].restart, RESTART_NEVER);
	assert_int_equal(f->cfg[1].restart, RESTART_ON_CRASH);
	assert_int_equal(f->cfg[2].restart, RESTART_ALWAYS);
	assert_true(f->cfg[0].ok && f->cfg[1].ok && f->cfg[2].ok);
	assert_false(f->cfg[3].ok);
	assert_int_equal(f->cfg[3].restart, RESTART_NEVER);
	assert_int_equal(nr_msgs, 1);
	assert_msg(0, "module 3: restart=sometimes: expected never, on-crash "
		      "or always");
}

static void test_weight(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel weight=3");
	add_mod(f, "kernel");
	add_mod(f, "kernel weight=16");
	add_mod(f, "kernel weight=0");
	assert_int_equal(run(f), 4);
	assert_int_equal(f->cfg[0].weight, 3);
	assert_int_equal(f->cfg[1].weight, 1);
	assert_int_equal(f->cfg[2].weight, 16);
	assert_true(f->cfg[0].ok && f->cfg[1].ok && f->cfg[2].ok);
	assert_false(f->cfg[3].ok);
	assert_int_equal(f->cfg[3].weight, 1);
	assert_int_equal(nr_msgs, 1);
	assert_msg(0, "module 3: weight=0: expected a whole number from 1 to "
		      "16");
}

static void test_notes(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel notes=on");
	add_mod(f, "kernel notes=off");
	add_mod(f, "kernel");
	add_mod(f, "kernel notes=yes");
	assert_int_equal(run(f), 4);
	assert_true(f->cfg[0].notes);
	assert_false(f->cfg[1].notes || f->cfg[2].notes || f->cfg[3].notes);
	assert_true(f->cfg[0].ok && f->cfg[1].ok && f->cfg[2].ok);
	assert_false(f->cfg[3].ok);
	assert_int_equal(nr_msgs, 1);
	assert_msg(0, "module 3: notes=yes: expected on or off");
}

static void test_weight_bad(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel weight=17");
	add_mod(f, "kernel weight=two");
	add_mod(f, "kernel weight=");
	assert_int_equal(run(f), 3);
	for (int i = 0; i < 3; i++) {
		assert_false(f->cfg[i].ok);
		assert_int_equal(f->cfg[i].weight, 1);
	}
	assert_int_equal(nr_msgs, 3);
	assert_msg(0, "module 0: weight=17: expected a whole number from 1 to "
		      "16");
	assert_msg(1, "module 1: weight=two: expected a whole number from 1 "
		      "to 16");
	assert_msg(2, "module 2: weight=: expected a whole number from 1 to "
		      "16");
}

static void test_cpu(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel cpu=0");
	add_mod(f, "kernel");
	add_mod(f, "kernel cpu=15");
	add_mod(f, "kernel cpu=3 weight=2");
	assert_int_equal(run(f), 4);
	assert_int_equal(nr_msgs, 0);
	assert_int_equal(f->cfg[0].cpu, 0);
	/* Without cpu=: unpinned, for the scheduler to place. */
	assert_int_equal(f->cfg[1].cpu, -1);
	assert_int_equal(f->cfg[2].cpu, 15);
	assert_int_equal(f->cfg[3].cpu, 3);
	assert_int_equal(f->cfg[3].weight, 2);
	for (int i = 0; i < 4; i++)
		assert_true(f->cfg[i].ok);
}

static void test_cpu_bad(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel cpu=16");
	add_mod(f, "kernel cpu=one");
	add_mod(f, "kernel cpu=-1");
	add_mod(f, "kernel cpu=");
	assert_int_equal(run(f), 4);
	for (int i = 0; i < 4; i++) {
		assert_false(f->cfg[i].ok);
		assert_int_equal(f->cfg[i].cpu, -1);
	}
	assert_int_equal(nr_msgs, 4);
	assert_msg(0, "module 0: cpu=16: expected a whole number from 0 to 15");
	assert_msg(1,
		   "module 1: cpu=one: expected a whole number from 0 to 15");
	assert_msg(2, "module 2: cpu=-1: expected a whole number from 0 to 15");
	assert_msg(3, "module 3: cpu=: expected a whole number from 0 to 15");
}

static void test_unknown_kernel_options(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel quiet");
	add_mod(f, "kernel cpus=2");
	add_mod(f, "kernel --verbose");
	assert_int_equal(run(f), 3);
	assert_false(f->cfg[0].ok);
	assert_false(f->cfg[1].ok);
	assert_false(f->cfg[2].ok);
	assert_msg(0, "module 0: unknown kernel option 'quiet'");
	assert_msg(1, "module 1: unknown kernel option 'cpus'");
	assert_msg(2, "module 2: unknown kernel option '--verbose'");
}

static void test_guest_cmdline_edges(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel --");
	add_mod(f, "kernel --   ");
	add_mod(f, "kernel -- -- mem=8M"); /* only the first "--" counts */
	add_mod(f, "kernel name=x --");
	assert_int_equal(run(f), 4);
	assert_int_equal(nr_msgs, 0);
	assert_string_equal(f->cfg[0].cmdline, "");
	assert_string_equal(f->cfg[1].cmdline, "");
	assert_string_equal(f->cfg[2].cmdline, "-- mem=8M");
	assert_int_equal(f->cfg[2].mem_bytes, GUEST_MEM_DEFAULT);
	assert_string_equal(f->cfg[3].name, "x");
}

static void test_cmdline_length_limit(void **state)
{
	struct fixture *f = *state;
	char *s = malloc(BOOT_MODULE_STRING_MAX);
	size_t head = strlen("kernel -- ");

	assert_non_null(s);
	/* GUEST_CMDLINE_MAX - 1 characters: the longest accepted. */
	strcpy(s, "kernel -- ");
	memset(s + head, 'q', GUEST_CMDLINE_MAX - 1);
	s[head + GUEST_CMDLINE_MAX - 1] = 0;
	add_mod(f, s);
	/* One more: refused with a message. */
	s[head + GUEST_CMDLINE_MAX - 1] = 'q';
	s[head + GUEST_CMDLINE_MAX] = 0;
	add_mod(f, s);
	assert_int_equal(run(f), 2);
	assert_true(f->cfg[0].ok);
	assert_int_equal(strlen(f->cfg[0].cmdline), GUEST_CMDLINE_MAX - 1);
	assert_false(f->cfg[1].ok);
	assert_int_equal(nr_msgs, 1);
	assert_msg(0, "module 1: guest command line longer than 2047 bytes");
	free(s);
}

static void test_initrd_or_disk_before_kernel(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "initrd");
	add_mod(f, "disk ro");
	add_mod(f, "kernel");
	assert_int_equal(run(f), 1);
	assert_true(f->cfg[0].ok);
	assert_int_equal(f->cfg[0].kernel_mod, 2);
	assert_int_equal(f->cfg[0].initrd_mod, -1); /* not adopted later */
	assert_int_equal(f->cfg[0].disk_mod, -1);
	assert_int_equal(nr_msgs, 2);
	assert_msg(0, "module 0: 'initrd' must follow a kernel module; "
		      "ignored");
	assert_msg(1, "module 1: 'disk' must follow a kernel module; ignored");
}

static void test_duplicate_initrd_and_disk(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel name=a");
	add_mod(f, "initrd");
	add_mod(f, "initrd");
	add_mod(f, "kernel name=b");
	add_mod(f, "disk");
	add_mod(f, "disk ro");
	assert_int_equal(run(f), 2);
	assert_false(f->cfg[0].ok);
	assert_false(f->cfg[1].ok);
	assert_int_equal(nr_msgs, 2);
	assert_msg(0, "module 2: guest a already has an initrd");
	assert_msg(1, "module 5: guest b already has a disk");
}

static void test_bad_initrd_and_disk_options(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel");
	add_mod(f, "initrd compressed");
	add_mod(f, "kernel");
	add_mod(f, "disk rw");
	assert_int_equal(run(f), 2);
	assert_false(f->cfg[0].ok);
	assert_false(f->cfg[1].ok);
	assert_false(f->cfg[1].disk_readonly);
	assert_msg(0, "module 1: unknown initrd option 'compressed'");
	assert_msg(1, "module 3: unknown disk option 'rw'");
}

static void test_too_many_guests(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < MAX_GUESTS + 2; i++)
		add_mod(f, "kernel");
	add_mod(f, "initrd"); /* belongs to a refused kernel */
	assert_int_equal(run(f), MAX_GUESTS);
	for (int i = 0; i < MAX_GUESTS; i++) {
		char want[24];
		snprintf(want, sizeof(want), "guest%d", i);
		assert_true(f->cfg[i].ok);
		assert_string_equal(f->cfg[i].name, want);
		assert_int_equal(f->cfg[i].initrd_mod, -1);
	}
	assert_int_equal(nr_msgs, 3);
	assert_msg(0, "module 4: more than 4 guests; ignored");
	assert_msg(1, "module 5: more than 4 guests; ignored");
	assert_msg(2, "module 6: 'initrd' must follow a kernel module; "
		      "ignored");
}

static void test_unknown_role_and_empty(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel");
	add_mod(f, "firmware ro");
	add_mod(f, "");
	add_mod(f, "   \t ");
	add_mod(f, "Kernel");
	add_mod(f, "-- kernel");
	assert_int_equal(run(f), 1);
	assert_true(f->cfg[0].ok); /* other modules do not spoil it */
	assert_int_equal(nr_msgs, 5);
	assert_msg(0, "module 1: unknown role 'firmware' (expected kernel, "
		      "initrd or disk); ignored");
	assert_msg(1, "module 2 has no role (kernel, initrd or disk); "
		      "ignored");
	assert_msg(2, "module 3 has no role (kernel, initrd or disk); "
		      "ignored");
	assert_msg(3, "module 4: unknown role 'Kernel' (expected kernel, "
		      "initrd or disk); ignored");
	assert_msg(4, "module 5 has no role (kernel, initrd or disk); "
		      "ignored");
}

static void test_refused_guest_keeps_reporting(void **state)
{
	struct fixture *f = *state;

	/* Every problem is named, not just the first. */
	add_mod(f, "kernel mem=1M name=a.b restart=x bogus");
	assert_int_equal(run(f), 1);
	assert_false(f->cfg[0].ok);
	assert_int_equal(nr_msgs, 4);
}

/* disk=DEV[,ro]: real storage named on the kernel line (the name itself
 * is resolved later, by hv/storage/volume.c, once the disks are known). */
static void test_disk_names(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel name=a disk=sata0p2");
	add_mod(f, "kernel name=b disk=nvme0n1,ro");
	add_mod(f, "kernel name=c disk=label:data -- root=/dev/vda");
	add_mod(f, "kernel name=d "
		   "disk=uuid:6f1b4c3a-95e2-4d7c-8a51-0b9e2d7c4f10,ro");
	assert_int_equal(run(f), 4);
	assert_int_equal(nr_msgs, 0);
	assert_string_equal(f->cfg[0].disk_spec, "sata0p2");
	assert_false(f->cfg[0].disk_readonly);
	assert_int_equal(f->cfg[0].disk_mod, -1);
	assert_string_equal(f->cfg[1].disk_spec, "nvme0n1");
	assert_true(f->cfg[1].disk_readonly);
	assert_string_equal(f->cfg[2].disk_spec, "label:data");
	assert_string_equal(f->cfg[2].cmdline, "root=/dev/vda");
	assert_string_equal(f->cfg[3].disk_spec,
			    "uuid:6f1b4c3a-95e2-4d7c-8a51-0b9e2d7c4f10");
	assert_true(f->cfg[3].disk_readonly);
	for (int i = 0; i < 4; i++)
		assert_true(f->cfg[i].ok);
}

static void test_disk_names_bad(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel name=a disk=");
	add_mod(f, "kernel name=b disk=,ro");
	add_mod(f, "kernel name=c disk=sata0/p2");
	add_mod(f, "kernel name=d disk="
		   "uuid:6f1b4c3a-95e2-4d7c-8a51-0b9e2d7c4f10-and-much-more");
	assert_int_equal(run(f), 4);
	for (int i = 0; i < 4; i++) {
		assert_false(f->cfg[i].ok);
		assert_string_equal(f->cfg[i].disk_spec, "");
	}
	assert_msg(0, "module 0: disk= must name a disk in 1 to 47 characters "
		      "(sata0, nvme0n1p2, label:NAME, uuid:GUID)");
	assert_msg(1, "module 1: disk= must name a disk in 1 to 47 characters "
		      "(sata0, nvme0n1p2, label:NAME, uuid:GUID)");
	assert_msg(2, "module 2: disk=sata0/p2: a disk name holds only "
		      "letters, digits and '-', '_', ':', '.'");
	assert_msg(3, "module 3: disk= must name a disk in 1 to 47 characters "
		      "(sata0, nvme0n1p2, label:NAME, uuid:GUID)");
}

/* One block device a guest: a disk module and disk= do not mix. */
static void test_disk_module_and_name(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel name=a disk=sata0");
	add_mod(f, "disk");
	add_mod(f, "kernel name=b disk=sata0 disk=sata1");
	add_mod(f, "kernel name=c");
	add_mod(f, "disk");
	assert_int_equal(run(f), 3);
	assert_false(f->cfg[0].ok);
	assert_false(f->cfg[1].ok);
	assert_true(f->cfg[2].ok);
	assert_string_equal(f->cfg[1].disk_spec, "sata0");
	assert_msg(0, "module 1: guest a already has a disk");
	assert_msg(1, "module 2: guest b already has a disk");
	assert_int_equal(nr_msgs, 2);
}

/* net=SWITCH[,mac=...]: the switch's name, and a MAC if given. */
static void test_net(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel name=a net=lan0");
	add_mod(f, "kernel name=b net=lan0,mac=52:54:00:AB:cd:01 -- x");
	add_mod(f, "kernel name=c net=lan0,mac=53:54:00:00:00:01");
	add_mod(f, "kernel name=d net=lan0,mac=00:00:00:00:00:00 net=x");
	assert_int_equal(run(f), 4);
	assert_true(f->cfg[0].ok);
	assert_string_equal(f->cfg[0].net_switch, "lan0");
	assert_false(f->cfg[0].net_mac_given);
	assert_true(f->cfg[1].ok);
	assert_true(f->cfg[1].net_mac_given);
	assert_memory_equal(f->cfg[1].net_mac,
			    ((uint8_t[]){ 0x52, 0x54, 0x00, 0xab, 0xcd, 0x01 }),
			    6);
	/* A multicast address (bit 0 of the first byte) is no one's. */
	assert_false(f->cfg[2].ok);
	assert_msg(0, "module 2: net=lan0,mac=53:54:00:00:00:01: after the "
		      "switch, only mac=xx:xx:xx:xx:xx:xx (a unicast address, "
		      "not all zeros)");
	assert_false(f->cfg[3].ok);
	assert_msg(1, "module 3: net=lan0,mac=00:00:00:00:00:00: after the "
		      "switch, only mac=xx:xx:xx:xx:xx:xx (a unicast address, "
		      "not all zeros)");
	/* A refused net= sets nothing, so d's later net=x is taken: d is
	 * refused all the same, with one message. */
	assert_string_equal(f->cfg[3].net_switch, "x");
	assert_int_equal(nr_msgs, 2);
}

static void test_net_bad(void **state)
{
	struct fixture *f = *state;

	add_mod(f, "kernel name=a net=");
	add_mod(f, "kernel name=b net=lan/0");
	add_mod(f, "kernel name=c net=lan0,mac=52:54:00:00:00");
	add_mod(f, "kernel name=d net=lan0 net=lan1");
	assert_int_equal(run(f), 4);
	for (int i = 0; i < 4; i++)
		assert_false(f->cfg[i].ok);
	assert_msg(0, "module 0: net= must name a switch in 1 to 15 "
		      "characters");
	assert_msg(1, "module 1: net=lan/0: a switch name holds only "
		      "letters, digits, '-' and '_'");
	assert_msg(2, "module 2: net=lan0,mac=52:54:00:00:00: after the "
		      "switch, only mac=xx:xx:xx:xx:xx:xx (a unicast address, "
		      "not all zeros)");
	assert_msg(3, "module 3: guest d already has a network");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_no_modules),
		T(test_one_kernel_defaults),
		T(test_full_guest),
		T(test_two_guests_own_their_modules),
		T(test_mem_sizes),
		T(test_mem_bad),
		T(test_names),
		T(test_names_bad_characters),
		T(test_restart),
		T(test_weight),
		T(test_weight_bad),
		T(test_cpu),
		T(test_cpu_bad),
		T(test_notes),
		T(test_unknown_kernel_options),
		T(test_guest_cmdline_edges),
		T(test_cmdline_length_limit),
		T(test_initrd_or_disk_before_kernel),
		T(test_duplicate_initrd_and_disk),
		T(test_bad_initrd_and_disk_options),
		T(test_too_many_guests),
		T(test_unknown_role_and_empty),
		T(test_refused_guest_keeps_reporting),
		T(test_disk_names),
		T(test_disk_names_bad),
		T(test_disk_module_and_name),
		T(test_net),
		T(test_net_bad),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
