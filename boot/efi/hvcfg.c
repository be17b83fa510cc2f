/*
 * hvcfg.c - [Uefi 2] hv.cfg read as hostile text, line by line.
 *
 * hv.cfg sits on a FAT partition anyone with the USB stick can edit, and
 * a mistake in it must be shown before anything is started, with the line
 * and the reason, never half-followed.  So the whole file is checked
 * before hv.efi loads a single file: every byte plain printable ASCII (a
 * UTF-8 byte-order mark at the start is skipped, since Windows editors
 * write one), CRLF line ends accepted, lines and strings within the
 * sizes the hypervisor keeps, every command known and complete.
 *
 * What a module string means (its role, name=, mem=) is not checked
 * here: the hypervisor checks that, in one place (hv/setup/modconfig.c),
 * and reports it on its console for GRUB's lines and ours alike.
 *
 * Pure C on a byte buffer: no firmware, no C library, so the same file
 * runs in hv.efi, in tests/unit/test_hvcfg.c and under the fuzzer.
 */
#include "boot/efi/hvcfg.h"

/* The error message, built without a C library: text, a quoted word, a
 * number, each appended as far as there is room. */
static void put(struct hvcfg_error *e, const char *s, size_t n)
{
	size_t at = 0;

	while (at < sizeof(e->reason) - 1 && e->reason[at])
		at++;
	for (size_t i = 0; i < n && s[i] && at < sizeof(e->reason) - 1; i++)
		e->reason[at++] = s[i];
	e->reason[at] = 0;
}

static void put_str(struct hvcfg_error *e, const char *s)
{
	put(e, s, (size_t)-1);
}

static void put_num(struct hvcfg_error *e, unsigned long v, unsigned base)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16)
		put_str(e, "0x");
	while (n--)
		put(e, &digits[n], 1);
}

/* A word from the file, quoted and cut at 40 bytes: it is printable,
 * since the line passed check_bytes() before any word was looked at. */
static void put_word(struct hvcfg_error *e, const char *w, size_t n)
{
	put_str(e, "'");
	put(e, w, n > 40 ? 40 : n);
	put_str(e, n > 40 ? "...'" : "'");
}

static bool fail(struct hvcfg_error *e, unsigned line, const char *reason)
{
	e->line = line;
	e->reason[0] = 0;
	put_str(e, reason);
	return false;
}

/* Every byte of the line printable ASCII or a tab. */
static bool check_bytes(const char *s, size_t n, unsigned line,
			struct hvcfg_error *e)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\t' || (c >= 0x20 && c < 0x7f))
			continue;
		fail(e, line,
		     c >= 0x80 ? "a byte that is not ASCII ("
			       : "a control character (");
		put_num(e, c, 16);
		put_str(e, ") in column ");
		put_num(e, i + 1, 10);
		put_str(e, c >= 0x80 ? ": hv.cfg must be plain ASCII" : "");
		return false;
	}
	return true;
}

struct words {
	const char *w[HVCFG_LINE_MAX / 2 + 1];
	size_t n[HVCFG_LINE_MAX / 2 + 1];
	unsigned count;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void split(const char *s, size_t len, struct words *ws)
{
	size_t i = 0;

	ws->count = 0;
	while (i < len) {
		while (i < len && is_blank(s[i]))
			i++;
		if (i == len)
			break;
		ws->w[ws->count] = s + i;
		while (i < len && !is_blank(s[i]))
			i++;
		ws->n[ws->count] = (size_t)(s + i - ws->w[ws->count]);
		ws->count++;
	}
}

static bool same(const char *w, size_t n, const char *lit)
{
	size_t i = 0;

	while (i < n && lit[i] && w[i] == lit[i])
		i++;
	return i == n && lit[i] == 0;
}

/* A file name on the ESP, relative to hv.efi's folder (or, with a leading
 * slash, to the partition's root); '/' and '\' both separate folders. */
static bool take_file(char *dst, const char *w, size_t n, unsigned line,
		      struct hvcfg_error *e)
{
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' ||
			  c == '-' || c == '+' || c == '/' || c == '\\';

		if (!ok) {
			fail(e, line, "file name ");
			put_word(e, w, n);
			put_str(e, ": only letters, digits, '.', '_', '-', "
				   "'+' and folders with '/'");
			return false;
		}
	}
	if (n >= HVCFG_NAME_MAX) {
		fail(e, line, "file name ");
		put_word(e, w, n);
		put_str(e, " is longer than ");
		put_num(e, HVCFG_NAME_MAX - 1, 10);
		put_str(e, " characters");
		return false;
	}
	for (size_t i = 0; i < n; i++)
		dst[i] = w[i];
	dst[n] = 0;
	return true;
}

/* Words first..count-1 joined by single spaces (as GRUB re-joins them)
 * into dst of size max; quotes and backslashes refused, since GRUB would
 * read them as quoting and hv.cfg has none. */
static bool join(char *dst, size_t max, const struct words *ws, unsigned first,
		 unsigned line, const char *what, struct hvcfg_error *e)
{
	size_t at = 0;

	for (unsigned i = first; i < ws->count; i++) {
		for (size_t j = 0; j < ws->n[i]; j++) {
			char c = ws->w[i][j];
			if (c == '"' || c == '\'' || c == '\\') {
				fail(e, line, "quote or backslash in ");
				put_word(e, ws->w[i], ws->n[i]);
				put_str(e, ": hv.cfg has no quoting, "
					   "write the words plainly");
				return false;
			}
		}
		if (at + (at ? 1 : 0) + ws->n[i] >= max) {
			fail(e, line, what);
			put_str(e, " longer than ");
			put_num(e, max - 1, 10);
			put_str(e, " characters");
			return false;
		}
		if (at)
			dst[at++] = ' ';
		for (size_t j = 0; j < ws->n[i]; j++)
			dst[at++] = ws->w[i][j];
	}
	dst[at] = 0;
	return true;
}

static bool do_multiboot2(struct hvcfg *cfg, const struct words *ws,
			  unsigned line, struct hvcfg_error *e)
{
	if (cfg->hv_line) {
		fail(e, line, "a second multiboot2 line (the first is line ");
		put_num(e, cfg->hv_line, 10);
		put_str(e, ")");
		return false;
	}
	if (ws->count < 2)
		return fail(e, line,
			    "multiboot2 needs the hypervisor's file "
			    "name (multiboot2 hv.elf OPTIONS...)");
	if (!take_file(cfg->hv_file, ws->w[1], ws->n[1], line, e) ||
	    !join(cfg->hv_cmdline, sizeof(cfg->hv_cmdline), ws, 2, line,
		  "the hypervisor's options are", e))
		return false;
	cfg->hv_line = line;
	return true;
}

static bool do_module2(struct hvcfg *cfg, const struct words *ws, unsigned line,
		       struct hvcfg_error *e)
{
	struct hvcfg_module *m;

	if (!cfg->hv_line)
		return fail(e, line,
			    "module2 before the multiboot2 line "
			    "(the hypervisor comes first)");
	if (ws->count < 2)
		return fail(e, line,
			    "module2 needs a file name and a module "
			    "string (module2 FILE ROLE ...)");
	if (ws->count < 3) {
		fail(e, line, "module2 ");
		put_word(e, ws->w[1], ws->n[1]);
		put_str(e, " needs a module string: its role (kernel, "
			   "initrd, disk) and options");
		return false;
	}
	if (cfg->nr_mods == HVCFG_MAX_MODULES) {
		fail(e, line, "more than ");
		put_num(e, HVCFG_MAX_MODULES, 10);
		put_str(e, " modules: the hypervisor takes no more");
		return false;
	}
	m = &cfg->mods[cfg->nr_mods];
	if (!take_file(m->file, ws->w[1], ws->n[1], line, e) ||
	    !join(m->string, sizeof(m->string), ws, 2, line,
		  "the module string is", e))
		return false;
	m->line = line;
	cfg->nr_mods++;
	return true;
}

static bool do_line(struct hvcfg *cfg, const char *s, size_t n, unsigned line,
		    struct hvcfg_error *e)
{
	static struct words ws; /* too big for a firmware stack */

	if (n > HVCFG_LINE_MAX) {
		fail(e, line, "the line is longer than ");
		put_num(e, HVCFG_LINE_MAX, 10);
		put_str(e, " characters");
		return false;
	}
	if (!check_bytes(s, n, line, e))
		return false;
	split(s, n, &ws);
	if (ws.count == 0 || ws.w[0][0] == '#')
		return true;
	if (same(ws.w[0], ws.n[0], "multiboot2"))
		return do_multiboot2(cfg, &ws, line, e);
	if (same(ws.w[0], ws.n[0], "module2"))
		return do_module2(cfg, &ws, line, e);
	fail(e, line, "unknown command ");
	put_word(e, ws.w[0], ws.n[0]);
	put_str(e, " (hv.cfg knows multiboot2, module2 and # comments)");
	return false;
}

bool hvcfg_parse(const char *text, size_t len, struct hvcfg *cfg,
		 struct hvcfg_error *e)
{
	unsigned line = 0;
	size_t at = 0;

	for (size_t i = 0; i < sizeof(*cfg); i++)
		((char *)cfg)[i] = 0;
	e->line = 0;
	e->reason[0] = 0;
	if (len > HVCFG_FILE_MAX)
		return fail(e, 0, "hv.cfg is bigger than 64 KiB");
	if (len >= 3 && (unsigned char)text[0] == 0xef &&
	    (unsigned char)text[1] == 0xbb && (unsigned char)text[2] == 0xbf)
		at = 3;
	while (at < len) {
		size_t end = at, n;

		while (end < len && text[end] != '\n')
			end++;
		n = end - at;
		if (n && text[at + n - 1] == '\r')
			n--; /* CRLF: a DOS or Windows editor's line end */
		line++;
		if (!do_line(cfg, text + at, n, line, e))
			return false;
		at = end + 1;
	}
	if (!cfg->hv_line)
		return fail(e, 0,
			    "no multiboot2 line: hv.cfg must name the "
			    "hypervisor (multiboot2 hv.elf OPTIONS...)");
	return true;
}
