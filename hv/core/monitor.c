/*
 * monitor.c - [Monitor 2] the console monitor, after Xen's: Ctrl-A three
 * times moves the console to the next guest, and after the last to the
 * hypervisor's own prompt, "hv> ", and from there to the first guest
 * again.  At the prompt a few commands look at the guests and act on
 * them (monitor_help(), README's "Console monitor").
 *
 * The hotkey and the typed line arrive in interrupt context, from the
 * console's input path (hv/lib/console_input.c), in the middle of some
 * guest's exit: moving the console there is only a pointer, but a command
 * may free a guest's memory, so a finished line is only noted, the
 * running slice is told to end, and the command runs from the scheduler's
 * loop, between slices, where no guest is inside its exit (monitor_poll).
 */
#include "hv/core/core.h"
#include "hv/core/monitor.h"
#include "hv/dev/devices.h"
#include "hv/lib/console.h"
#include "hv/lib/console_input.h"
#include "hv/lib/printk.h"
#include "hv/machine/irq.h"
#include "hv/mm/pmem_hv.h"

#define PROMPT "hv> "

static bool at_prompt; /* the monitor has the console, not a guest */
static struct monitor_line line;
/* Lines typed but not yet run: a few, so that pasted commands wait their
 * turn (free-running indices; head - tail lines are waiting). */
#define PENDING_LINES 4
static char pending[PENDING_LINES][MONITOR_LINE_MAX];
static unsigned pending_head, pending_tail;

static void say_dropped(uint32_t n, const struct guest *old)
{
	if (n && old)
		printk("hv: console: %u typed bytes guest %s had not read "
		       "were dropped\n",
		       n, old->name);
}

static void console_to_guest(struct guest *g)
{
	struct guest *old = at_prompt ? NULL : devices_console_owner();

	say_dropped(console_input_discard(), old);
	at_prompt = false;
	console_input_to_monitor(false);
	devices_give_console(g);
	printk("\nhv: console: now guest %s (Ctrl-A three times for the next; "
	       "after the last, the monitor)\n",
	       g->name);
}

static void console_to_prompt(void)
{
	struct guest *first = guest_first_alive();

	say_dropped(console_input_discard(), devices_console_owner());
	at_prompt = true;
	console_input_to_monitor(true);
	printk("\nhv: console: now the hypervisor monitor (type help; "
	       "Ctrl-A three times for guest %s)\n",
	       first ? first->name : "none");
	console_write(PROMPT, sizeof(PROMPT) - 1);
	console_write(line.buf, line.len);
}

/* Ctrl-A three times (interrupt context): the console moves on. */
static void on_hotkey(void)
{
	struct guest *owner = devices_console_owner();
	struct guest *next = at_prompt || !owner ? guest_first_alive()
						 : sched_next_alive(owner->id);

	if (next && (at_prompt || next != owner))
		console_to_guest(next);
	else
		console_to_prompt();
}

/* A byte typed at the prompt (interrupt context): echo it, and note a
 * finished line for monitor_poll(). */
static void on_byte(uint8_t c)
{
	char echo[MONITOR_ECHO_MAX], done[MONITOR_LINE_MAX];
	unsigned n;
	bool ended = monitor_line_feed(&line, c, echo, &n, done);

	console_write(echo, n);
	if (!ended)
		return;
	if (pending_head - pending_tail == PENDING_LINES) {
		printk("hv: monitor: %u commands are already waiting; '%s' "
		       "dropped\n",
		       PENDING_LINES, done);
	} else if (done[0]) {
		hv_memcpy(pending[pending_head++ % PENDING_LINES], done,
			  MONITOR_LINE_MAX);
		sched_resched();
		return;
	}
	console_write(PROMPT, sizeof(PROMPT) - 1);
}

void monitor_init(void)
{
	console_input_set_monitor(on_hotkey, on_byte);
}

/* ---- The commands ---- */

static struct guest *find_guest(const char *name)
{
	for (int i = 0; i < sched_nr_guests(); i++)
		if (!hv_strncmp(sched_guest(i)->name, name, GUEST_NAME_MAX))
			return sched_guest(i);
	printk("hv: monitor: no guest is named '%s' (list shows them)\n", name);
	return NULL;
}

static const char *state_name(const struct guest *g)
{
	if (guest_alive(g))
		return g->halted ? "idle" : "running";
	if (!g->mem)
		return "failed"; /* a restart that could not build it again */
	switch (g->stop_reason) {
	case STOP_KILLED:
		return "killed";
	case STOP_RESTART:
		return "restarting";
	default:
		return "off";
	}
}

static void cmd_list(void)
{
	uint64_t now = time_now_ns();

	printk("hv: monitor:   %-15s %-10s %8s %12s %10s %8s\n", "guest",
	       "state", "memory", "exits", "uptime", "restarts");
	for (int i = 0; i < sched_nr_guests(); i++) {
		const struct guest *g = sched_guest(i);
		char up[16] = "-";

		if (guest_alive(g)) {
			uint64_t ds = (now - g->started_ns) / 100000000u;

			hv_snprintf(up, sizeof(up), "%llu.%u s",
				    (unsigned long long)(ds / 10),
				    (unsigned)(ds % 10));
		}
		printk("hv: monitor:   %-15s %-10s %4u MiB %12llu %10s %8u\n",
		       g->name, state_name(g), g->mem_size >> 20,
		       (unsigned long long)g->stats.exits, up, g->restarts);
	}
}

static void cmd_stats(const char *name)
{
	struct guest *g;

	if (name[0]) {
		g = find_guest(name);
		if (g)
			sched_print_stats(g);
		return;
	}
	for (int i = 0; i < sched_nr_guests(); i++)
		sched_print_stats(sched_guest(i));
	sched_print_cpus();
	printk("hv: memory: %u pages free of %u; %llu interrupts; %u typed "
	       "bytes dropped\n",
	       pmem.free_pages, pmem.total_pages,
	       (unsigned long long)irq_total(), console_input_dropped());
}

static void cmd_stop(struct guest *g)
{
	if (!guest_alive(g)) {
		printk("hv: monitor: guest %s is not running\n", g->name);
		return;
	}
	guest_stop(g, STOP_POWEROFF, "stopped at the console monitor");
	if (!guest_first_alive())
		printk("hv: monitor: no guest is running now: the run ends\n");
}

/*
 * [Monitor 4] A restart from the monitor is a new guest in the old slot:
 * everything the old one had is given back first (its devices let go of
 * their volume and their switch port, its RAM and shadow pages return to
 * the allocator), then it is created from its configuration as at boot,
 * so it is built by the same code, with the same checks.  If that fails
 * (its memory was taken meanwhile, say), it says why, the slot stays
 * stopped and the other guests go on.  The page counts are printed so
 * that a leak shows: what a restart gives back is at least what the new
 * boot takes, and after the run every page is back.
 */
static void cmd_restart(struct guest *g)
{
	const struct guest_config *cfg = g->cfg;
	unsigned restarts = g->restarts;
	uint32_t before = pmem.free_pages, emptied;
	int id = g->id;

	if (guest_alive(g))
		guest_stop(g, STOP_RESTART, "from the console monitor");
	sched_hold(g); /* off its processor, and kept off */
	guest_destroy(g);
	emptied = pmem.free_pages;
	if (!guest_create(g, cfg, id)) {
		g->state = GUEST_STOPPED; /* guest_create left it zeroed */
		g->stop_reason = STOP_KILLED;
		g->restarts = restarts;
		printk("hv: monitor: guest %s could not be started again (the "
		       "reason is above); the other guests go on\n",
		       g->name);
		sched_release(g);
		return;
	}
	sched_release(g);
	g->restarts = restarts + 1;
	printk("hv: monitor: guest %s restarted: %u pages given back, %u "
	       "taken by the new boot (%u free before, %u after)\n",
	       g->name, emptied - before, emptied - pmem.free_pages, before,
	       pmem.free_pages);
}

static void cmd_poweroff(void)
{
	printk("hv: monitor: powering every guest off\n");
	for (int i = 0; i < sched_nr_guests(); i++)
		guest_stop(sched_guest(i), STOP_POWEROFF,
			   "the console monitor's poweroff");
}

static void cmd_help(void)
{
	printk("hv: monitor: Ctrl-A three times moves the console to the "
	       "next guest, and after the last back here\n");
	for (unsigned i = 0; monitor_help(i); i++)
		printk("hv: monitor:   %s\n", monitor_help(i));
}

static void run(const struct monitor_cmd *c)
{
	struct guest *g = NULL;

	if (c->op == MON_STOP || c->op == MON_RESTART || c->op == MON_CONSOLE) {
		g = find_guest(c->name);
		if (!g)
			return;
	}
	switch (c->op) {
	case MON_NOTHING:
		break;
	case MON_HELP:
		cmd_help();
		break;
	case MON_LIST:
		cmd_list();
		break;
	case MON_STATS:
		cmd_stats(c->name);
		break;
	case MON_CPUS:
		sched_print_cpus();
		break;
	case MON_STOP:
		cmd_stop(g);
		break;
	case MON_RESTART:
		cmd_restart(g);
		break;
	case MON_CONSOLE:
		if (guest_alive(g))
			console_to_guest(g);
		else
			printk("hv: monitor: guest %s is not running\n",
			       g->name);
		break;
	case MON_POWEROFF:
		cmd_poweroff();
		break;
	}
}

bool monitor_poll(void)
{
	struct monitor_cmd cmd;
	char err[160];
	bool ran = false;

	while (pending_tail != pending_head) {
		const char *l = pending[pending_tail % PENDING_LINES];

		ran = true;
		if (monitor_parse(l, &cmd, err, sizeof(err)))
			run(&cmd);
		else
			printk("hv: monitor: %s\n", err);
		pending_tail++;
		if (at_prompt && guest_first_alive())
			console_write(PROMPT, sizeof(PROMPT) - 1);
	}
	return ran;
}
