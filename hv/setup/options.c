/*
 * options.c - [Boot 3] the hypervisor's command line.
 *
 *   loglevel=<error|warn|info|debug|3..7>   how much to print (info)
 *   console=<serial|screen>[,...]            where to print (serial,screen;
 *                                            "vga" is the screen's old name)
 *   com1=<port>,<baud>                       serial port (0x3f8,115200)
 *   exit=<acpi|qemu[:port]|halt|reboot>      what "power off" means (acpi)
 *   disk_timeout=<seconds>                   a disk request's limit (10)
 *   uplink=<e1000|virtio|none>               the network card (the first)
 *   uplink_switch=<name>                     the switch it joins (lan)
 *   irqchip=<auto|apic|pic>                  interrupt controller (auto)
 *   selftest=<name>                          test builds only
 *   keyboard=<on|off>                        the PS/2 keyboard (on)
 *   exits=<auto|resident|switch>             how exits are served (auto:
 *                                            resident where it is safe;
 *                                            docs/isolation.md)
 *
 * Words are separated by spaces; each is "key=value".  An unknown key or a
 * bad value is reported by name and the default stays in force.
 */
#include "hv/setup/options.h"
#include "drivers/uart.h"
#include "hv/lib/console.h"
#include "hv/lib/printk.h"

void options_defaults(struct hv_options *o)
{
	hv_memset(o, 0, sizeof(*o));
	o->loglevel = LOG_INFO;
	o->consoles = CONSOLE_SERIAL | CONSOLE_SCREEN;
	o->com_port = UART_COM1_PORT;
	o->com_baud = UART_DEFAULT_BAUD;
	o->disk_timeout_s = 10;
	hv_strlcpy(o->uplink_switch, "lan", sizeof(o->uplink_switch));
	o->exit = EXIT_ACPI;
	o->keyboard = true;
	o->qemu_exit_port = 0xF4;
}

/* A word of the command line: [key, key+klen) and [val, val+vlen). */
struct word {
	const char *key, *val;
	size_t klen, vlen;
	bool has_val;
};

static void complain(report_fn report, const struct word *w,
		     const char *expected)
{
	char msg[200];

	if (!w->has_val)
		hv_snprintf(msg, sizeof(msg),
			    "option '%.*s' needs a value (%s); ignored",
			    (int)w->klen, w->key, expected);
	else
		hv_snprintf(msg, sizeof(msg),
			    "option '%.*s': bad value '%.*s' (expected %s); "
			    "ignored",
			    (int)w->klen, w->key, (int)w->vlen, w->val,
			    expected);
	report(msg);
}

static bool parse_loglevel(const struct word *w, struct hv_options *o)
{
	static const struct {
		const char *name;
		int level;
	} names[] = { { "error", LOG_ERR },
		      { "warn", LOG_WARN },
		      { "info", LOG_INFO },
		      { "debug", LOG_DEBUG } };
	uint32_t n;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (parse_word_is(w->val, w->vlen, names[i].name)) {
			o->loglevel = names[i].level;
			return true;
		}
	if (parse_u32(w->val, w->vlen, &n) && n >= LOG_ERR && n <= LOG_DEBUG) {
		o->loglevel = (int)n;
		return true;
	}
	return false;
}

static bool parse_console(const struct word *w, struct hv_options *o)
{
	uint32_t set = 0;
	const char *p = w->val, *end = w->val + w->vlen;

	/* An empty item is a typo wherever it is, the end included. */
	if (w->vlen && end[-1] == ',')
		return false;
	while (p < end) {
		const char *comma = p;
		while (comma < end && *comma != ',')
			comma++;
		if (parse_word_is(p, (size_t)(comma - p), "serial"))
			set |= CONSOLE_SERIAL;
		else if (parse_word_is(p, (size_t)(comma - p), "screen") ||
			 parse_word_is(p, (size_t)(comma - p), "vga"))
			set |= CONSOLE_SCREEN;
		else
			return false;
		p = comma + 1;
	}
	if (!set)
		return false;
	o->consoles = set;
	return true;
}

static bool parse_com1(const struct word *w, struct hv_options *o)
{
	const char *comma = w->val;
	uint32_t port, baud = o->com_baud;
	size_t plen;

	while (comma < w->val + w->vlen && *comma != ',')
		comma++;
	plen = (size_t)(comma - w->val);
	if (!parse_u32(w->val, plen, &port) || port == 0 || port > 0xFFF8)
		return false;
	if (comma < w->val + w->vlen) {
		size_t blen = w->vlen - plen - 1;
		if (!parse_u32(comma + 1, blen, &baud) || baud == 0 ||
		    baud > UART_MAX_BAUD || UART_MAX_BAUD % baud)
			return false;
	}
	o->com_port = (uint16_t)port;
	o->com_baud = baud;
	return true;
}

static bool parse_exit(const struct word *w, struct hv_options *o)
{
	if (parse_word_is(w->val, w->vlen, "acpi"))
		o->exit = EXIT_ACPI;
	else if (parse_word_is(w->val, w->vlen, "halt"))
		o->exit = EXIT_HALT;
	else if (parse_word_is(w->val, w->vlen, "reboot"))
		o->exit = EXIT_REBOOT;
	else if (parse_word_is(w->val, w->vlen, "qemu"))
		o->exit = EXIT_QEMU;
	else if (w->vlen > 5 && hv_strncmp(w->val, "qemu:", 5) == 0) {
		uint32_t port;
		if (!parse_u32(w->val + 5, w->vlen - 5, &port) || port == 0 ||
		    port > 0xFFFF)
			return false;
		o->exit = EXIT_QEMU;
		o->qemu_exit_port = (uint16_t)port;
	} else
		return false;
	return true;
}

static bool parse_selftest(const struct word *w, struct hv_options *o)
{
	if (w->vlen == 0 || w->vlen >= sizeof(o->selftest))
		return false;
	hv_memcpy(o->selftest, w->val, w->vlen);
	o->selftest[w->vlen] = 0;
	return true;
}

static bool parse_disk_timeout(const struct word *w, struct hv_options *o)
{
	uint32_t s;

	if (!parse_u32(w->val, w->vlen, &s) || s < 1 || s > 600)
		return false;
	o->disk_timeout_s = s;
	return true;
}

/* uplink=e1000|virtio|none: "virtio" is the card named "vnet". */
static bool parse_uplink(const struct word *w, struct hv_options *o)
{
	static const char *const kinds[][2] = { { "e1000", "e1000" },
						{ "virtio", "vnet" },
						{ "none", "none" } };

	for (unsigned i = 0; i < ARRAY_SIZE(kinds); i++)
		if (parse_word_is(w->val, w->vlen, kinds[i][0])) {
			hv_strlcpy(o->uplink, kinds[i][1], sizeof(o->uplink));
			return true;
		}
	return false;
}

static bool parse_uplink_switch(const struct word *w, struct hv_options *o)
{
	if (w->vlen == 0 || w->vlen >= sizeof(o->uplink_switch) ||
	    !parse_name_chars(w->val, w->vlen, ""))
		return false;
	hv_memcpy(o->uplink_switch, w->val, w->vlen);
	o->uplink_switch[w->vlen] = 0;
	return true;
}

/* One of a few words, each standing for a value. */
struct choice {
	const char *word;
	int value;
};

static bool parse_choice(const struct word *w, const struct choice *c,
			 size_t n, int *value)
{
	for (size_t i = 0; i < n; i++)
		if (parse_word_is(w->val, w->vlen, c[i].word)) {
			*value = c[i].value;
			return true;
		}
	return false;
}

static bool parse_irqchip(const struct word *w, struct hv_options *o)
{
	static const struct choice c[] = { { "auto", IRQCHIP_AUTO },
					   { "apic", IRQCHIP_APIC },
					   { "pic", IRQCHIP_PIC } };
	int v;

	if (!parse_choice(w, c, ARRAY_SIZE(c), &v))
		return false;
	o->irqchip = (enum irqchip_mode)v;
	return true;
}

static bool parse_exits(const struct word *w, struct hv_options *o)
{
	static const struct choice c[] = { { "auto", EXITS_AUTO },
					   { "resident", EXITS_RESIDENT },
					   { "switch", EXITS_SWITCH } };
	int v;

	if (!parse_choice(w, c, ARRAY_SIZE(c), &v))
		return false;
	o->exits = (enum exits_mode)v;
	return true;
}

static bool parse_keyboard(const struct word *w, struct hv_options *o)
{
	return parse_on_off(w->val, w->vlen, &o->keyboard);
}

static const struct {
	const char *key;
	bool (*parse)(const struct word *, struct hv_options *);
	const char *expected;
} option_table[] = {
	{ "loglevel", parse_loglevel, "error, warn, info, debug or 3-7" },
	{ "console", parse_console, "a list of serial and screen" },
	{ "com1", parse_com1, "<port>[,<baud>], baud dividing 115200" },
	{ "exit", parse_exit, "acpi, qemu, qemu:<port>, halt or reboot" },
	{ "disk_timeout", parse_disk_timeout, "seconds, 1 to 600" },
	{ "uplink", parse_uplink, "e1000, virtio or none" },
	{ "uplink_switch", parse_uplink_switch,
	  "a switch name: 1-15 letters, digits, '-' or '_'" },
	{ "selftest", parse_selftest, "a self-test name" },
	{ "irqchip", parse_irqchip, "auto, apic or pic" },
	{ "keyboard", parse_keyboard, "on or off" },
	{ "exits", parse_exits, "auto, resident or switch" },
};

unsigned options_parse(const char *cmdline, struct hv_options *o,
		       report_fn report)
{
	const char *p = cmdline;
	unsigned problems = 0;

	while (*p) {
		struct word w = { 0 };
		const char *start;
		size_t i;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '=')
			p++;
		w.key = start;
		w.klen = (size_t)(p - start);
		if (*p == '=') {
			w.has_val = true;
			w.val = ++p;
			while (*p && *p != ' ' && *p != '\t')
				p++;
			w.vlen = (size_t)(p - w.val);
		} else {
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
		for (i = 0; i < ARRAY_SIZE(option_table); i++)
			if (parse_word_is(w.key, w.klen, option_table[i].key))
				break;
		if (i == ARRAY_SIZE(option_table)) {
			char msg[160];
			hv_snprintf(msg, sizeof(msg),
				    "unknown option '%.*s' ignored",
				    (int)(p - start), start);
			report(msg);
			problems++;
		} else if (!w.has_val || !option_table[i].parse(&w, o)) {
			complain(report, &w, option_table[i].expected);
			problems++;
		}
	}
	return problems;
}
