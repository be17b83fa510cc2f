/*
 * fuzz_hvcfg.c - libFuzzer target for hvcfg_parse (boot/efi/hvcfg.c),
 * hv.efi's reader of hv.cfg: the input is the file.
 *
 * The parse must end, read nothing past the input (the input is copied
 * into a buffer of exactly its size), and:
 *
 *   on success: a hypervisor file named on a real line; file names
 *   non-empty, within HVCFG_NAME_MAX, of the allowed characters only;
 *   the options and module strings within their limits, words joined by
 *   single spaces (none leading or trailing), no quotes or backslashes,
 *   printable ASCII; at most HVCFG_MAX_MODULES modules, each with a
 *   string, on lines after the hypervisor's and in increasing order;
 *
 *   on failure: the line is 0 or one of the input's lines, and the
 *   reason a non-empty line of printable ASCII;
 *
 *   either way, a second parse of the same bytes gives the same answer.
 *
 * Built and run by tests/fuzz.sh.
 *
 * FUZZ_SOURCES: boot/efi/hvcfg.c
 * FUZZ_MAX_LEN: 6000
 * FUZZ_SEEDS: 6d756c7469626f6f74322068762e656c66206c6f676c6576656c3d696e666f0a6d6f64756c653220707667756573742e656c66206b65726e656c206e616d653d707630206d656d3d33324d202d2d207368656c6c0a6d6f64756c6532206469736b2e696d67206469736b0a efbbbf2320630d0a6d756c7469626f6f7432202f622f68762e656c660d0a6d6f64756c653220615c5c622e696d67206469736b0d0a
 */
#include <string.h>

#include "boot/efi/hvcfg.h"

#include "tests/fuzz/fuzz_stubs.h"

static struct hvcfg cfg, again;
static struct hvcfg_error err, err_again;

static bool printable(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	check(n < max); /* NUL-terminated inside its array */
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

static void check_file(const char *f)
{
	check(printable(f, HVCFG_NAME_MAX) && f[0]);
	for (; *f; f++)
		check(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			     "XYZ"
			     "0123456789._-+/\\",
			     *f) != NULL);
}

static void check_words(const char *s, size_t max)
{
	size_t n;

	check(printable(s, max));
	n = strlen(s);
	check(!strpbrk(s, "\"'\\\t"));
	check(!strstr(s, "  "));
	check(n == 0 || (s[0] != ' ' && s[n - 1] != ' '));
}

static unsigned count_lines(const uint8_t *data, size_t size)
{
	unsigned lines = 0;

	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	return lines + (size && data[size - 1] != '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	bool ok, ok_again;
	unsigned last;

	memcpy(text, data, size);
	ok = hvcfg_parse(text, size, &cfg, &err);
	ok_again = hvcfg_parse(text, size, &again, &err_again);
	free(text);
	check(ok == ok_again);
	if (!ok) {
		check(err.line <= count_lines(data, size));
		check(printable(err.reason, sizeof(err.reason)));
		check(err.reason[0] != 0);
		check(err.line == err_again.line &&
		      !strcmp(err.reason, err_again.reason));
		return 0;
	}
	check(memcmp(&cfg, &again, sizeof(cfg)) == 0);
	check(cfg.hv_line >= 1 && cfg.hv_line <= count_lines(data, size));
	check_file(cfg.hv_file);
	check_words(cfg.hv_cmdline, HVCFG_CMDLINE_MAX);
	check(cfg.nr_mods <= HVCFG_MAX_MODULES);
	last = cfg.hv_line;
	for (unsigned i = 0; i < cfg.nr_mods; i++) {
		check(cfg.mods[i].line > last);
		last = cfg.mods[i].line;
		check_file(cfg.mods[i].file);
		check_words(cfg.mods[i].string, HVCFG_STRING_MAX);
		check(cfg.mods[i].string[0] != 0);
	}
	check(last <= count_lines(data, size));
	return 0;
}
