/*
 * monitor.h - the console monitor: Ctrl-A three times moves the console
 * from guest to guest and then to the hypervisor's own prompt, "hv> ",
 * where a few commands list, stop and restart the guests.
 *
 *   monitor.c      the hotkey's cycle, the prompt, the commands' work
 *   monitor_cmd.c  the prompt's line editor and command parser: pure,
 *                  unit-tested
 */
#ifndef HV_CORE_MONITOR_H
#define HV_CORE_MONITOR_H

#include "hv/lib/lib.h"
#include "hv/setup/options.h"

/* monitor.c */
void monitor_init(void); /* the hotkey is looked for from now on */
/* Run the commands typed at the prompt, if any are waiting; true if one
 * was (nothing else can change which guests run).  Called by the
 * scheduler between slices, where no guest is running: a restart may
 * then free a guest's memory and build it again.  Cheap when nothing
 * waits: it runs on every pass of the scheduler's loop. */
bool monitor_poll(void);

/* monitor_cmd.c: the line being typed at the prompt. */
#define MONITOR_LINE_MAX 80

struct monitor_line {
	char buf[MONITOR_LINE_MAX];
	unsigned len;
	bool last_cr; /* a LF right after a CR is the same Enter */
	uint8_t esc;  /* 1: after ESC; 2: inside "ESC [" ... */
};

#define MONITOR_ECHO_MAX 4 /* the most one typed byte echoes: "^C\n" */

/* One typed byte: what to echo into echo (*echo_len bytes), and true
 * when it ended a line, which is then in done (NUL-terminated) and the
 * editor starts afresh.  Backspace and DEL rub out, Ctrl-C and Ctrl-U
 * drop the line, escape sequences (the arrows) are ignored, and other
 * control bytes too. */
bool monitor_line_feed(struct monitor_line *l, uint8_t c, char *echo,
		       unsigned *echo_len, char done[MONITOR_LINE_MAX]);

enum monitor_op {
	MON_NOTHING, /* an empty line */
	MON_HELP,
	MON_LIST,
	MON_STOP,
	MON_RESTART,
	MON_STATS,
	MON_CPUS,
	MON_CONSOLE,
	MON_POWEROFF,
};

struct monitor_cmd {
	enum monitor_op op;
	char name[GUEST_NAME_MAX]; /* the guest named, or "" */
};

/* Parse a line typed at the prompt.  False, with the reason in err, for
 * an unknown command, a missing or extra argument, or a name that cannot
 * be a guest's. */
bool monitor_parse(const char *line, struct monitor_cmd *cmd, char *err,
		   size_t errlen);

/* The commands' help, one line each, for "help": the i-th, or NULL
 * past the last. */
const char *monitor_help(unsigned i);

#endif
