/*
 * sched.c - [Guest 9] which guest runs: round robin over the live ones, a
 * time slice when several are ready, and sleep ("sti; hlt") when none is.
 * Also the end of the run: every guest's statistics, and the machine
 * switched off the way the "exit=" option says.
 */
#include "hv/core/sched.h"
#include "hv/net/net.h"
#include "hv/core/core.h"
#include "hv/core/monitor.h"
#include "hv/dev/devices.h"
#include "hv/guest/guest.h"
#include "hv/lib/console_input.h"
#include "hv/lib/printk.h"
#include "hv/machine/power.h"
#include "hv/mm/pmem_hv.h"

#define TIMESLICE_NS 10000000u /* between guests, when several are ready */
#define KICK_NS 250000u	       /* while the running guest's devices work */
#define DISK_WAIT_NS 50000u    /* an idle look at a disk that works */
#define NET_WAIT_NS 200000u    /* an idle look at the network's uplink */

static struct guest guests[MAX_GUESTS];
static int nr_guests;
static bool need_resched;
static struct guest *running; /* the guest whose slice this is, or NULL */
static struct hv_timer slice_timer, kick_timer;
/* An idle machine's next look at the polled hardware (disks, the uplink). */
static struct hv_timer look_timer;
static uint64_t idle_sleeps, idle_ns;

static void end_slice(struct hv_timer *t)
{
	(void)t;
	need_resched = true;
}

/* Nothing to do: the interrupt itself is the point (see run_slice). */
static void kick(struct hv_timer *t)
{
	(void)t;
}

static int nr_alive(void)
{
	int n = 0;

	for (int i = 0; i < nr_guests; i++)
		n += guest_alive(&guests[i]);
	return n;
}

/*
 * A sleeping guest woken by another's doing (a frame from the switch, a
 * disk's answer, typed input) gets the CPU at the running guest's next
 * exit rather than after its whole slice: a guest sending as fast as it
 * can would otherwise fill a receiver's posted buffers within a slice
 * and have the switch drop the rest, for want of the receiver's turn.
 */
void sched_wake(struct guest *g)
{
	if (running && running != g && g->halted)
		need_resched = true;
}

/* LAB weights: BEGIN SOLUTION */
/*
 * A guest's turn lasts its weight (the module line's weight=,
 * 1 by default) in time slices.  Round robin gives every ready guest one
 * turn a round, so a guest that never halts gets its weight over the sum
 * of the ready guests' weights: with weights 3 and 1, three quarters of
 * the CPU against one.  A guest that halts gives the rest of its turn
 * away, as it always did; only the ready ones share.  The price is
 * latency: the others wait up to 16 slices (160 ms) for a heavy guest.
 */
static uint64_t turn_ns(const struct guest *g)
{
	return (uint64_t)TIMESLICE_NS * g->cfg->weight;
}
/* LAB weights: HANDOUT
 * static uint64_t turn_ns(const struct guest *g)
 * {
 *	return TIMESLICE_NS;
 * }
 */
/* LAB weights: END */

static void run_slice(struct guest *g)
{
	uint64_t t0;

	need_resched = false;
	running = g;
	/*
	 * [Guest 10] A slice ends when the timer says so, and a timer is armed
	 * only when someone else could use the CPU: a lone guest runs until it
	 * halts, with no tick of ours interrupting it.
	 *
	 * Before every entry, the guest's devices go on with what their
	 * budgets left (devices_poll(), bounded work per exit).  A guest may
	 * wait for that work without ever exiting: Linux's console driver
	 * spins on the used ring with interrupts off (its virtual flag: the
	 * real interrupts stay ours).  So while work is left a kick timer is
	 * armed too, and its interrupt brings the guest out every KICK_NS to
	 * let its devices go on; it is the slice timer's twin, and like it
	 * costs nothing when there is no work.  250 us is less than a console
	 * budget takes under QEMU (0.6 ms), so a spinning guest's slices go
	 * mostly to its own output, while a kick costs a guest that was not
	 * spinning an exit (tens of us) four times a millisecond, and only
	 * while its devices have work.
	 */
	if (nr_alive() > 1) {
		slice_timer.fn = end_slice;
		timer_arm(&slice_timer, time_now_ns() + turn_ns(g));
	}
	kick_timer.fn = kick;
	/* The guest's CPU time is counted an exit at a time, so that its own
	 * GUEST_STATS sees a slice that has not ended yet: one TSC read an
	 * exit, each entry's end being where the next one's time starts,
	 * and the conversion to time left to whoever reports it. */
	t0 = rdtsc();
	while (guest_alive(g) && !need_resched) {
		uint64_t now;

		if (!devices_poll(g))
			timer_cancel(&kick_timer);
		else if (!kick_timer.armed)
			timer_arm(&kick_timer, time_now_ns() + KICK_NS);
		net_poll(); /* frames from the wire, for anyone */
		deliver_pending_irq(g);
		if (!guest_alive(g) || g->halted)
			break;
		guest_enter_once(g);
		now = rdtsc();
		g->stats.cpu_cycles += now - t0;
		t0 = now;
	}
	timer_cancel(&slice_timer);
	timer_cancel(&kick_timer);
	running = NULL;
}

/* A halted guest whose device still works (it sleeps until the device
 * answers): a budget of that work for each, between slices, so neither
 * a busy guest nor an idle CPU holds it back. */
enum sleepers { NO_WORK, CPU_WORK, DISK_WORK };

static enum sleepers poll_sleepers(void)
{
	bool busy = false, cpu = false;

	for (int i = 0; i < nr_guests; i++) {
		struct guest *g = &guests[i];

		if (guest_alive(g) && g->halted && devices_busy(g) &&
		    devices_poll(g)) {
			busy = true;
			cpu |= !devices_only_waiting(g);
		}
	}
	return !busy ? NO_WORK : cpu ? CPU_WORK : DISK_WORK;
}

struct guest *sched_next_alive(int after)
{
	for (int i = after + 1; i < nr_guests; i++)
		if (guest_alive(&guests[i]))
			return &guests[i];
	return NULL;
}

struct guest *guest_first_alive(void)
{
	return sched_next_alive(-1);
}

static bool runnable(struct guest *g)
{
	unsigned irq;

	return guest_alive(g) && (!g->halted || guest_deliverable_irq(g, &irq));
}

/* Round robin, starting after the guest that ran last. */
static struct guest *pick_next(int *last)
{
	for (int i = 1; i <= nr_guests; i++) {
		int idx = (*last + i) % nr_guests;
		if (runnable(&guests[idx])) {
			*last = idx;
			return &guests[idx];
		}
	}
	return NULL;
}

/* [Guest 11] Nothing to run: sleep until an interrupt.  "sti; hlt" is one step,
 * so an interrupt that arrived since we looked wakes us at once.  While a
 * sleeping guest's device still has work of ours, do not sleep: let the
 * interrupts that came meanwhile in, and go back for the next budget.
 * While all that is left is a disk working on requests, sleep a little
 * and look again: the disks are polled (docs/storage.md), and spinning
 * would take the CPU from whatever does the disk's work (under QEMU, the
 * very threads that emulate it). */
static void idle(enum sleepers work)
{
	uint64_t t0;

	if (work == CPU_WORK) {
		sti_nop_cli();
		return;
	}
	if (work == DISK_WORK || net_has_uplink()) {
		/* The card is polled too: frames from the wire wait for a
		 * look, so an idle machine looks every NET_WAIT_NS. */
		look_timer.fn = kick;
		timer_arm(&look_timer,
			  time_now_ns() + (work == DISK_WORK ? DISK_WAIT_NS
							     : NET_WAIT_NS));
	}
	t0 = time_now_ns();
	idle_sleeps++;
	sti_hlt();
	cli();
	timer_cancel(&look_timer);
	idle_ns += time_now_ns() - t0;
}

void sched_print_stats(const struct guest *g)
{
	const struct guest_stats *s = &g->stats;

	printk("hv: guest %s: stats: exits %llu, hypercalls %llu (+%llu "
	       "queued), traps %llu, irqs %llu, halts %llu, port I/O %llu, "
	       "page faults %llu\n",
	       g->name, (unsigned long long)s->exits,
	       (unsigned long long)s->hypercalls,
	       (unsigned long long)s->async_hypercalls,
	       (unsigned long long)s->traps_reflected,
	       (unsigned long long)s->irqs_delivered,
	       (unsigned long long)s->halts, (unsigned long long)s->port_io,
	       (unsigned long long)s->page_faults);
	printk("hv: guest %s: segment views: %llu switches to the full view\n",
	       g->name, (unsigned long long)s->view_switches);
	printk("hv: guest %s: cpu %llu ms, weight %u\n", g->name,
	       (unsigned long long)(time_cycles_to_ns(s->cpu_cycles) / 1000000),
	       g->cfg->weight);
	printk("hv: guest %s: hypercalls by number:", g->name);
	for (unsigned i = 0; i < ARRAY_SIZE(s->by_hypercall); i++)
		if (s->by_hypercall[i])
			printk(" %u:%u", i, s->by_hypercall[i]);
	printk("\n");
}

/* ---- What the console monitor (monitor.c) sees of the guests ---- */

int sched_nr_guests(void)
{
	return nr_guests;
}

struct guest *sched_guest(int i)
{
	return i >= 0 && i < nr_guests ? &guests[i] : NULL;
}

/* A command is waiting: end the running slice at its next exit. */
void sched_resched(void)
{
	need_resched = true;
}

void sched_print_idle(void)
{
	printk("hv: idle: %llu sleeps, %llu ms\n",
	       (unsigned long long)idle_sleeps,
	       (unsigned long long)(idle_ns / 1000000));
}

__noreturn void hv_run_guests(struct guest_config *cfg, int n)
{
	uint32_t free_before = pmem.free_pages;
	bool killed = false;
	int last = -1;

	for (int i = 0; i < n; i++) {
		if (!cfg[i].ok) {
			printk("hv: guest %s: not started (configuration "
			       "errors above)\n",
			       cfg[i].name);
			killed = true;
			continue;
		}
		if (guest_create(&guests[nr_guests], &cfg[i], nr_guests))
			nr_guests++;
		else
			killed = true;
	}
	if (nr_guests == 0) {
		printk("hv: %s\n", n ? "no guest could be started"
				     : "no guests configured; nothing to run");
		hv_exit_machine(killed ? HV_EXIT_GUEST_KILLED : HV_EXIT_OK);
	}

	monitor_init();
	while (nr_alive() > 0) {
		enum sleepers work;
		struct guest *g;

		/* Between slices: a command may stop or free a guest. */
		if (monitor_poll() && !nr_alive())
			break;
		work = poll_sleepers();
		net_poll();
		g = pick_next(&last);

		if (!g) {
			idle(work);
			continue;
		}
		run_slice(g);
		if (!guest_alive(g))
			guest_maybe_restart(g);
	}

	for (int i = 0; i < nr_guests; i++) {
		/*
		 * [Guest 12] Everyone has stopped.  Each guest's statistics,
		 * and the run ends with a status that says whether any guest
		 * was killed.
		 */
		sched_print_stats(&guests[i]);
		if (guests[i].stop_reason == STOP_KILLED)
			killed = true;
		guest_destroy(&guests[i]);
	}
	if (console_input_dropped())
		printk("hv: console: %u typed bytes were dropped (no guest "
		       "read them in time)\n",
		       console_input_dropped());
	sched_print_idle();
	printk("hv: all guests stopped; %u pages free (%u before the "
	       "guests started)\n",
	       pmem.free_pages, free_before);
	hv_exit_machine(killed ? HV_EXIT_GUEST_KILLED : HV_EXIT_OK);
}
