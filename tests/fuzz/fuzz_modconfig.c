/*
 * fuzz_modconfig.c - libFuzzer target for the two command-line parsers:
 * guests_parse (hv/setup/modconfig.c), the GRUB module strings that say
 * which guests to run, and options_parse (hv/setup/options.c), the
 * hypervisor's own command line.
 *
 * The input is text, split at newlines: the first line is the
 * hypervisor's command line, each further line one module string (at
 * most BOOT_MAX_MODULES of them, each cut to what mb2_parse would keep).
 * Both parsers must end, and:
 *
 *   guests_parse: at most MAX_GUESTS configurations, one per "kernel"
 *   module in order (counted here by a tokenizer of our own), each with a
 *   valid name, memory within GUEST_MEM_MIN..MAX in whole MiB, a known
 *   restart policy, a NUL-terminated command line equal to the text after
 *   "--", and initrd and disk modules that really are such modules and
 *   follow their kernel before the next one; a refused configuration was
 *   reported; every report is one NUL-terminated line.
 *
 *   options_parse: returns the number of reports; every option ends
 *   valid whatever was asked (the log level, a non-empty console set,
 *   port and baud, the exit method); parsing the same line again changes
 *   nothing.
 *
 * Built and run by tests/fuzz.sh; seeds are in tests/fuzz/corpus/modconfig.
 *
 * FUZZ_SOURCES: hv/setup/modconfig.c hv/setup/options.c hv/lib/parse.c hv/lib/string.c hv/lib/format.c
 * FUZZ_MAX_LEN: 3000
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/uart.h"
#include "hv/lib/console.h"
#include "hv/lib/printk.h"
#include "hv/setup/bootinfo.h"
#include "hv/setup/options.h"

#include "tests/fuzz/fuzz_stubs.h"

static unsigned reports;

static void count_report(const char *msg)
{
	size_t n = strnlen(msg, 1024);

	check(n > 0 && n < 256); /* reportf's buffer, one line */
	check(memchr(msg, '\n', n) == NULL);
	reports++;
}

/* ---- Our own reading of a module string, to check the parser by. ---- */

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The i-th word of s (0-based) into w/len; false if there is none. */
static bool word(const char *s, unsigned i, const char **w, size_t *len)
{
	for (;;) {
		while (blank(*s))
			s++;
		if (!*s)
			return false;
		*w = s;
		while (*s && !blank(*s))
			s++;
		*len = (size_t)(s - *w);
		if (i-- == 0)
			return true;
	}
}

static bool role_is(const char *s, const char *role)
{
	const char *w;
	size_t len;

	return word(s, 0, &w, &len) && len == strlen(role) &&
	       memcmp(w, role, len) == 0;
}

/* What follows the first "--" word, leading blanks skipped; NULL if no
 * such word. */
static const char *after_dashes(const char *s)
{
	const char *w;
	size_t len;

	for (unsigned i = 1; word(s, i, &w, &len); i++)
		if (len == 2 && w[0] == '-' && w[1] == '-') {
			w += 2;
			while (blank(*w))
				w++;
			return w;
		}
	return NULL;
}

static bool valid_name(const char *name)
{
	size_t n = strnlen(name, GUEST_NAME_MAX);

	if (n == 0 || n >= GUEST_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* Module m belongs to the guest whose kernel is module k: it comes after
 * k and before any later kernel module (refused or not). */
static bool belongs(const struct boot_info *bi, int k, int m, const char *role)
{
	if (m <= k || m >= (int)bi->nr_mods ||
	    !role_is(bi->mods[m].string, role))
		return false;
	for (int i = k + 1; i < m; i++)
		if (role_is(bi->mods[i].string, "kernel"))
			return false;
	return true;
}

static void check_guests(const struct boot_info *bi)
{
	static struct guest_config cfg[MAX_GUESTS];
	unsigned n, kernels = 0, refused = 0;
	int k = -1;

	memset(cfg, 0xA5, sizeof(cfg));
	reports = 0;
	n = guests_parse(bi, cfg, count_report);
	check(n <= MAX_GUESTS);
	for (unsigned m = 0; m < bi->nr_mods; m++)
		kernels += role_is(bi->mods[m].string, "kernel");
	check(n == (kernels < MAX_GUESTS ? kernels : MAX_GUESTS));

	for (unsigned i = 0; i < n; i++) {
		const struct guest_config *g = &cfg[i];
		const char *rest;

		/* The i-th kernel module, in order. */
		do
			k++;
		while (!role_is(bi->mods[k].string, "kernel"));
		check(g->kernel_mod == k);

		check(valid_name(g->name));
		check(g->mem_bytes >= GUEST_MEM_MIN &&
		      g->mem_bytes <= GUEST_MEM_MAX &&
		      g->mem_bytes % MiB(1) == 0);
		check(g->restart == RESTART_NEVER ||
		      g->restart == RESTART_ON_CRASH ||
		      g->restart == RESTART_ALWAYS);
		check(g->initrd_mod == -1 ||
		      belongs(bi, k, g->initrd_mod, "initrd"));
		check(g->disk_mod == -1 || belongs(bi, k, g->disk_mod, "disk"));
		check(!g->disk_readonly || g->disk_mod >= 0);
		check(g->ok == true || g->ok == false);

		check(memchr(g->cmdline, 0, sizeof(g->cmdline)) != NULL);
		rest = after_dashes(bi->mods[k].string);
		if (rest && strlen(rest) < GUEST_CMDLINE_MAX)
			check(strcmp(g->cmdline, rest) == 0);
		else if (rest)
			check(!g->ok && g->cmdline[0] == 0);
		else
			check(g->cmdline[0] == 0);
		refused += !g->ok;
	}
	check(reports >= refused);
}

/* ---- The hypervisor's command line. ---- */

static void check_options_valid(const struct hv_options *o)
{
	check(o->loglevel >= LOG_ERR && o->loglevel <= LOG_DEBUG);
	check(o->consoles != 0 &&
	      (o->consoles & ~(CONSOLE_SERIAL | CONSOLE_VGA)) == 0);
	check(o->com_port != 0 && o->com_port <= 0xFFF8);
	check(o->com_baud != 0 && o->com_baud <= UART_MAX_BAUD &&
	      UART_MAX_BAUD % o->com_baud == 0);
	check(o->exit == EXIT_ACPI || o->exit == EXIT_QEMU ||
	      o->exit == EXIT_HALT || o->exit == EXIT_REBOOT);
	check(o->qemu_exit_port != 0);
	check(memchr(o->selftest, 0, sizeof(o->selftest)) != NULL);
}

static void check_options(const char *line)
{
	struct hv_options o, again;
	unsigned problems;

	options_defaults(&o);
	reports = 0;
	problems = options_parse(line, &o, count_report);
	check(problems == reports);
	check_options_valid(&o);

	again = o;
	reports = 0;
	check(options_parse(line, &again, count_report) == problems);
	check(memcmp(&o, &again, sizeof(o)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_info bi;
	char *text = malloc(size + 1), *line, *nl;

	check(text != NULL);
	memcpy(text, data, size);
	text[size] = 0;

	nl = strchr(text, '\n');
	if (nl)
		*nl = 0;
	check_options(text);

	memset(&bi, 0, sizeof(bi));
	for (line = nl ? nl + 1 : NULL; line && bi.nr_mods < BOOT_MAX_MODULES;
	     line = nl ? nl + 1 : NULL) {
		struct boot_module *m = &bi.mods[bi.nr_mods++];

		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		strncpy(m->string, line, sizeof(m->string) - 1);
		m->start = 0x1000000u * bi.nr_mods;
		m->end = m->start + 0x1000;
	}
	check_guests(&bi);
	free(text);
	return 0;
}
