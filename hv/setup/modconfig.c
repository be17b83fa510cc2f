/*
 * modconfig.c - [Boot 4] which guests to run, from the Multiboot2 modules.
 *
 * Like Xen's dom0 modules, each GRUB "module2" line carries a role keyword
 * and options; everything after "--" is the guest's own command line:
 *
 *   module2 /boot/guest.elf  kernel name=pv mem=64M restart=on-crash -- quiet
 *   module2 /boot/initrd.gz  initrd
 *   module2 /boot/disk.img   disk ro
 *   module2 /boot/linux      kernel name=app disk=sata0p2 -- root=/dev/vda
 *
 * A guest's disk is either a "disk" module (a RAM disk) or disk=DEV[,ro],
 * real storage named by hv/storage/volume.c, not both.  net=SWITCH[,mac=]
 * plugs the guest's network card into a switch (hv/net/).
 * "kernel" starts a new guest; "initrd" and "disk" belong to the kernel
 * above them.  Anything wrong (an unknown role, a disk with no kernel, a bad
 * size) is reported with the module's number and text, and the guest it
 * belongs to is refused; other guests still start.
 */
#include "hv/setup/bootinfo.h"
#include "hv/setup/options.h"

struct cursor {
	const char *p;
};

/* Next space-separated word; false at the end or at "--". */
static bool next_word(struct cursor *c, const char **w, size_t *len)
{
	*len = parse_next_word(&c->p, w);
	return *len && !parse_word_is(*w, *len, "--");
}

/* "key=value": split, or false if there is no '='. */
static bool split_kv(const char *w, size_t len, size_t *klen, const char **val,
		     size_t *vlen)
{
	for (size_t i = 0; i < len; i++)
		if (w[i] == '=') {
			*klen = i;
			*val = w + i + 1;
			*vlen = len - i - 1;
			return true;
		}
	return false;
}

static void reportf(report_fn report, const char *fmt, ...) __printf(2, 3);
static void reportf(report_fn report, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report(msg);
}

/* disk=DEV[,ro]: checked for form here; whether DEV exists is known only
 * once the drivers have looked (hv/storage/volume.c). */
static void disk_option(struct guest_config *g, unsigned mod, const char *val,
			size_t vlen, report_fn report)
{
	if (vlen >= 3 && parse_word_is(val + vlen - 3, 3, ",ro")) {
		g->disk_readonly = true;
		vlen -= 3;
	}
	if (vlen == 0 || vlen >= GUEST_DISK_SPEC_MAX) {
		reportf(report,
			"module %u: disk= must name a disk in 1 to %u "
			"characters (sata0, nvme0n1p2, label:NAME, uuid:GUID)",
			mod, GUEST_DISK_SPEC_MAX - 1);
		g->ok = false;
		return;
	}
	if (!parse_name_chars(val, vlen, ":.")) {
		reportf(report,
			"module %u: disk=%.*s: a disk name holds only letters, "
			"digits and '-', '_', ':', '.'",
			mod, (int)vlen, val);
		g->ok = false;
		return;
	}
	if (g->disk_spec[0] || g->disk_mod >= 0) {
		reportf(report, "module %u: guest %s already has a disk", mod,
			g->name);
		g->ok = false;
		return;
	}
	hv_memcpy(g->disk_spec, val, vlen);
	g->disk_spec[vlen] = 0;
}

/* "52:54:00:12:34:56": a unicast address someone could own. */
static bool parse_mac(const char *s, size_t len, uint8_t mac[6])
{
	if (len != 17)
		return false;
	for (int i = 0; i < 6; i++) {
		int hi = parse_hex_digit(s[3 * i]),
		    lo = parse_hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return !(mac[0] & 1) &&
	       (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/* net=SWITCH[,mac=52:54:00:xx:xx:xx]: the switch's name and, if given,
 * the interface's address (hv/net/; docs/network.md). */
static void net_option(struct guest_config *g, unsigned mod, const char *val,
		       size_t vlen, report_fn report)
{
	size_t nlen = 0;

	while (nlen < vlen && val[nlen] != ',')
		nlen++;
	if (nlen == 0 || nlen >= GUEST_NAME_MAX) {
		reportf(report,
			"module %u: net= must name a switch in 1 to %u "
			"characters",
			mod, GUEST_NAME_MAX - 1);
		g->ok = false;
		return;
	}
	if (!parse_name_chars(val, nlen, "")) {
		reportf(report,
			"module %u: net=%.*s: a switch name holds only "
			"letters, "
			"digits, '-' and '_'",
			mod, (int)nlen, val);
		g->ok = false;
		return;
	}
	if (nlen < vlen) {
		const char *m = val + nlen + 1;
		size_t mlen = vlen - nlen - 1;

		if (mlen < 4 || hv_strncmp(m, "mac=", 4) ||
		    !parse_mac(m + 4, mlen - 4, g->net_mac)) {
			reportf(report,
				"module %u: net=%.*s: after the switch, only "
				"mac=xx:xx:xx:xx:xx:xx (a unicast address, not "
				"all zeros)",
				mod, (int)vlen, val);
			g->ok = false;
			return;
		}
		g->net_mac_given = true;
	}
	if (g->net_switch[0]) {
		reportf(report, "module %u: guest %s already has a network",
			mod, g->name);
		g->ok = false;
		return;
	}
	hv_memcpy(g->net_switch, val, nlen);
	g->net_switch[nlen] = 0;
}

/* cpu=N: pin the guest to CPU N.  Only the form is checked here; a CPU
 * that is not online is the scheduler's to report (it then places the
 * guest as if unpinned). */
/* key=val as a whole number from lo to hi into *out; otherwise the reason
 * is reported, the guest refused, and false returned (weight=, cpu=). */
static bool number_option(struct guest_config *g, unsigned mod, const char *key,
			  const char *val, size_t vlen, uint32_t lo,
			  uint32_t hi, uint32_t *out, report_fn report)
{
	uint32_t n;

	if (parse_u32(val, vlen, &n) && n >= lo && n <= hi) {
		*out = n;
		return true;
	}
	reportf(report,
		"module %u: %s=%.*s: expected a whole number from %u "
		"to %u",
		mod, key, (int)vlen, val, lo, hi);
	g->ok = false;
	return false;
}

static void kernel_option(struct guest_config *g, unsigned mod, const char *w,
			  size_t len, report_fn report)
{
	const char *val;
	size_t klen, vlen;
	uint64_t size;

	if (!split_kv(w, len, &klen, &val, &vlen)) {
		reportf(report, "module %u: unknown kernel option '%.*s'", mod,
			(int)len, w);
		g->ok = false;
		return;
	}
	if (parse_word_is(w, klen, "mem")) {
		if (!parse_size(val, vlen, &size) || size < GUEST_MEM_MIN ||
		    size > GUEST_MEM_MAX || size % MiB(1)) {
			reportf(report,
				"module %u: mem=%.*s: guest memory must be a "
				"whole number of MiB from %uM to %uM",
				mod, (int)vlen, val, GUEST_MEM_MIN >> 20,
				GUEST_MEM_MAX >> 20);
			g->ok = false;
			return;
		}
		g->mem_bytes = (uint32_t)size;
	} else if (parse_word_is(w, klen, "name")) {
		if (vlen == 0 || vlen >= GUEST_NAME_MAX) {
			reportf(report,
				"module %u: name must be 1 to %u characters",
				mod, GUEST_NAME_MAX - 1);
			g->ok = false;
			return;
		}
		if (!parse_name_chars(val, vlen, "")) {
			reportf(report,
				"module %u: name '%.*s' may hold only letters, "
				"digits, '-' and '_'",
				mod, (int)vlen, val);
			g->ok = false;
			return;
		}
		hv_memcpy(g->name, val, vlen);
		g->name[vlen] = 0;
	} else if (parse_word_is(w, klen, "disk")) {
		disk_option(g, mod, val, vlen, report);
	} else if (parse_word_is(w, klen, "net")) {
		net_option(g, mod, val, vlen, report);
	} else if (parse_word_is(w, klen, "restart")) {
		if (parse_word_is(val, vlen, "never"))
			g->restart = RESTART_NEVER;
		else if (parse_word_is(val, vlen, "on-crash"))
			g->restart = RESTART_ON_CRASH;
		else if (parse_word_is(val, vlen, "always"))
			g->restart = RESTART_ALWAYS;
		else {
			reportf(report,
				"module %u: restart=%.*s: expected never, "
				"on-crash or always",
				mod, (int)vlen, val);
			g->ok = false;
		}
	} else if (parse_word_is(w, klen, "notes")) {
		if (!parse_on_off(val, vlen, &g->notes)) {
			reportf(report,
				"module %u: notes=%.*s: expected on or off",
				mod, (int)vlen, val);
			g->ok = false;
		}
	} else if (parse_word_is(w, klen, "weight")) {
		number_option(g, mod, "weight", val, vlen, 1, GUEST_WEIGHT_MAX,
			      &g->weight, report);
	} else if (parse_word_is(w, klen, "cpu")) {
		uint32_t cpu;

		if (number_option(g, mod, "cpu", val, vlen, 0,
				  GUEST_CPU_MAX - 1, &cpu, report))
			g->cpu = (int)cpu;
	} else {
		reportf(report, "module %u: unknown kernel option '%.*s'", mod,
			(int)klen, w);
		g->ok = false;
	}
}

unsigned guests_parse(const struct boot_info *bi, struct guest_config *cfg,
		      report_fn report)
{
	unsigned n = 0;
	struct guest_config *g = NULL;

	for (unsigned m = 0; m < bi->nr_mods; m++) {
		struct cursor c = { bi->mods[m].string };
		const char *w;
		size_t len;

		if (!next_word(&c, &w, &len)) {
			reportf(report,
				"module %u has no role (kernel, initrd or "
				"disk); ignored",
				m);
			continue;
		}
		if (parse_word_is(w, len, "kernel")) {
			if (n == MAX_GUESTS) {
				reportf(report,
					"module %u: more than %d guests; "
					"ignored",
					m, MAX_GUESTS);
				g = NULL;
				continue;
			}
			g = &cfg[n];
			hv_memset(g, 0, sizeof(*g));
			hv_snprintf(g->name, sizeof(g->name), "guest%u", n);
			g->mem_bytes = GUEST_MEM_DEFAULT;
			g->weight = GUEST_WEIGHT_DEFAULT;
			g->cpu = -1;
			g->kernel_mod = (int)m;
			g->initrd_mod = g->disk_mod = -1;
			g->ok = true;
			n++;
			while (next_word(&c, &w, &len))
				kernel_option(g, m, w, len, report);
			/* After "--": the guest's command line, verbatim. */
			if (*c.p) {
				const char *rest = c.p;
				while (*rest == ' ' || *rest == '\t')
					rest++;
				if (hv_strlen(rest) >= GUEST_CMDLINE_MAX) {
					reportf(report,
						"module %u: guest command line "
						"longer than %d bytes",
						m, GUEST_CMDLINE_MAX - 1);
					g->ok = false;
				} else {
					hv_strlcpy(g->cmdline, rest,
						   sizeof(g->cmdline));
				}
			}
			continue;
		}
		if (!parse_word_is(w, len, "initrd") &&
		    !parse_word_is(w, len, "disk")) {
			reportf(report,
				"module %u: unknown role '%.*s' (expected "
				"kernel, initrd or disk); ignored",
				m, (int)len, w);
			continue;
		}
		if (!g) {
			reportf(report,
				"module %u: '%.*s' must follow a kernel "
				"module; ignored",
				m, (int)len, w);
			continue;
		}
		if (parse_word_is(w, len, "initrd")) {
			if (g->initrd_mod >= 0) {
				reportf(report,
					"module %u: guest %s already has an "
					"initrd",
					m, g->name);
				g->ok = false;
			}
			g->initrd_mod = (int)m;
			while (next_word(&c, &w, &len)) {
				reportf(report,
					"module %u: unknown initrd option "
					"'%.*s'",
					m, (int)len, w);
				g->ok = false;
			}
		} else {
			if (g->disk_mod >= 0 || g->disk_spec[0]) {
				reportf(report,
					"module %u: guest %s already has a "
					"disk",
					m, g->name);
				g->ok = false;
			}
			g->disk_mod = (int)m;
			while (next_word(&c, &w, &len)) {
				if (parse_word_is(w, len, "ro")) {
					g->disk_readonly = true;
				} else {
					reportf(report,
						"module %u: unknown disk "
						"option '%.*s'",
						m, (int)len, w);
					g->ok = false;
				}
			}
		}
	}
	return n;
}
