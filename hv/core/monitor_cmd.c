/*
 * monitor_cmd.c - [Monitor 3] the monitor prompt's line editor and its
 * commands, as pure functions: a byte or a line in, a decision out, no
 * guest touched.  monitor.c does what they decide.
 * tests/unit/test_monitor_cmd.c drives both with hostile typing.
 */
#include "hv/core/monitor.h"

#define CTRL_C 0x03
#define CTRL_U 0x15
#define BS 0x08
#define DEL 0x7F
#define ESC 0x1B

bool monitor_line_feed(struct monitor_line *l, uint8_t c, char *echo,
		       unsigned *echo_len, char done[MONITOR_LINE_MAX])
{
	bool after_cr = l->last_cr;

	*echo_len = 0;
	l->last_cr = c == '\r';
	/* An escape sequence (an arrow key: ESC [ A) means nothing here:
	 * skip it to its final byte, a letter or '~'. */
	if (l->esc == 1) {
		l->esc = c == '[' ? 2 : 0;
		return false;
	}
	if (l->esc == 2) {
		if (c >= 0x40 && c <= 0x7E)
			l->esc = 0;
		return false;
	}
	if (c == ESC) {
		l->esc = 1;
		return false;
	}
	if (c == '\n' && after_cr)
		return false; /* the LF of a CR LF */
	if (c == '\r' || c == '\n') {
		hv_memcpy(done, l->buf, l->len);
		done[l->len] = 0;
		l->len = 0;
		echo[(*echo_len)++] = '\n';
		return true;
	}
	if (c == BS || c == DEL) {
		if (l->len) {
			l->len--;
			hv_memcpy(echo, "\b \b", 3);
			*echo_len = 3;
		}
		return false;
	}
	if (c == CTRL_C || c == CTRL_U) {
		/* The line is dropped, and an empty one is what it was. */
		l->len = 0;
		hv_memcpy(echo, "^C\n", 3);
		*echo_len = 3;
		done[0] = 0;
		return true;
	}
	if (c >= ' ' && c < DEL && l->len < MONITOR_LINE_MAX - 1) {
		l->buf[l->len++] = (char)c;
		echo[(*echo_len)++] = (char)c;
	}
	return false;
}

enum arg { NO_ARG, NAME_ARG, OPTIONAL_NAME };

static const struct {
	const char *word;
	enum monitor_op op;
	enum arg arg;
	const char *help;
} commands[] = {
	{ "help", MON_HELP, NO_ARG, "help            this list" },
	{ "list", MON_LIST, NO_ARG,
	  "list            the guests: state, memory, exits, uptime" },
	{ "stop", MON_STOP, NAME_ARG, "stop NAME       power a guest off" },
	{ "restart", MON_RESTART, NAME_ARG,
	  "restart NAME    boot a guest again from its modules" },
	{ "stats", MON_STATS, OPTIONAL_NAME,
	  "stats [NAME]    a guest's statistics (all guests', and the "
	  "machine's)" },
	{ "cpus", MON_CPUS, NO_ARG,
	  "cpus            each processor's exits, time, idle, lock waits" },
	{ "console", MON_CONSOLE, NAME_ARG,
	  "console NAME    give a guest the console" },
	{ "poweroff", MON_POWEROFF, NO_ARG,
	  "poweroff        power every guest off; the run ends" },
};

const char *monitor_help(unsigned i)
{
	return i < ARRAY_SIZE(commands) ? commands[i].help : NULL;
}

bool monitor_parse(const char *line, struct monitor_cmd *cmd, char *err,
		   size_t errlen)
{
	const char *p = line, *w, *name, *extra;
	size_t wlen = parse_next_word(&p, &w), nlen, xlen;
	unsigned i;

	hv_memset(cmd, 0, sizeof(*cmd));
	if (!wlen)
		return true; /* MON_NOTHING */
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (parse_word_is(w, wlen, commands[i].word))
			break;
	if (i == ARRAY_SIZE(commands)) {
		hv_snprintf(err, errlen, "unknown command '%.*s' (type help)",
			    (int)MIN(wlen, (size_t)MONITOR_LINE_MAX), w);
		return false;
	}
	nlen = parse_next_word(&p, &name);
	xlen = parse_next_word(&p, &extra);
	if (xlen || (nlen && commands[i].arg == NO_ARG)) {
		hv_snprintf(err, errlen, "%s: too many words (%s)",
			    commands[i].word, commands[i].help);
		return false;
	}
	if (!nlen && commands[i].arg == NAME_ARG) {
		hv_snprintf(err, errlen, "%s: which guest? (%s)",
			    commands[i].word, commands[i].help);
		return false;
	}
	if (nlen &&
	    (nlen >= GUEST_NAME_MAX || !parse_name_chars(name, nlen, ""))) {
		hv_snprintf(err, errlen, "%s: '%.*s' cannot be a guest's name",
			    commands[i].word,
			    (int)MIN(nlen, (size_t)MONITOR_LINE_MAX), name);
		return false;
	}
	cmd->op = commands[i].op;
	hv_memcpy(cmd->name, name, nlen);
	cmd->name[nlen] = 0;
	return true;
}
