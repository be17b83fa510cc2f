/*
 * fuzz_console_keys.c - libFuzzer target for the typing path: scancodes
 * from the keyboard (drivers/ps2kbd_keymap.c), the console hotkey
 * (hv/lib/console_input.h) and the monitor prompt's line editor and
 * command parser (hv/core/monitor_cmd.c).
 *
 * Whoever holds the keyboard, or the serial line, chooses the bytes.  So
 * the input is a byte stream, each byte first as a scancode and then, the
 * same byte, as a byte typed on the serial line; the bytes the keymap
 * makes, and the serial ones, go through the hotkey filter and into the
 * line editor, and every finished line into the parser.  Whatever the
 * bytes: no step writes more than it may, a finished line is a string
 * that fits its buffer and holds only printable bytes, the editor's
 * length stays inside its buffer, and the parser either accepts with a
 * known command and a name that fits, or refuses with a reason.  Built
 * and run by tests/fuzz.sh; its corpus is in tests/fuzz/corpus/console_keys.
 *
 * FUZZ_SOURCES: drivers/ps2kbd_keymap.c hv/core/monitor_cmd.c hv/lib/parse.c hv/lib/string.c hv/lib/format.c
 * FUZZ_MAX_LEN: 512
 * FUZZ_SEEDS: 1e9e1f9f1c9c 1d1e1e1e9d e048e0c8e1 6c6973740d 010101730d0a 7374 6f702061 0d
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/ps2kbd.h"
#include "hv/core/monitor.h"
#include "hv/lib/console_input.h"

#include "tests/fuzz/fuzz_stubs.h"

static struct monitor_line line;

static void parse_line(const char *done)
{
	struct monitor_cmd cmd;
	char err[160];
	size_t len = strlen(done);

	check(len < MONITOR_LINE_MAX);
	for (size_t i = 0; i < len; i++)
		check(done[i] >= ' ' && done[i] < 0x7F);
	err[0] = 0;
	if (monitor_parse(done, &cmd, err, sizeof(err))) {
		check(cmd.op >= MON_NOTHING && cmd.op <= MON_POWEROFF);
		check(strlen(cmd.name) < GUEST_NAME_MAX);
		check((cmd.op == MON_STOP || cmd.op == MON_RESTART ||
		       cmd.op == MON_CONSOLE) ==
		      (cmd.name[0] && cmd.op != MON_STATS));
	} else {
		check(err[0] != 0);
		check(strlen(err) < sizeof(err));
	}
}

static void typed(struct hotkey *h, uint8_t c)
{
	uint8_t pass[HOTKEY_TIMES];
	bool fired;
	unsigned n = hotkey_feed(h, c, pass, &fired);

	check(n <= HOTKEY_TIMES);
	check(!fired || n == 0);
	check(h->held < HOTKEY_TIMES);
	for (unsigned i = 0; i < n; i++) {
		char echo[MONITOR_ECHO_MAX], done[MONITOR_LINE_MAX];
		unsigned k = MONITOR_ECHO_MAX + 1;
		bool ended = monitor_line_feed(&line, pass[i], echo, &k, done);

		check(k <= MONITOR_ECHO_MAX);
		check(line.len < MONITOR_LINE_MAX);
		if (ended)
			parse_line(done);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keymap_state keys;
	struct hotkey from_kbd = { 0 }, from_serial = { 0 };

	memset(&keys, 0, sizeof(keys));
	memset(&line, 0, sizeof(line));
	for (size_t i = 0; i < size; i++) {
		uint8_t out[KEYMAP_OUT_MAX];
		unsigned n = keymap_feed(&keys, data[i], out);

		check(n <= KEYMAP_OUT_MAX);
		for (unsigned j = 0; j < n; j++)
			typed(&from_kbd, out[j]);
		typed(&from_serial, data[i]);
	}
	return 0;
}
