/*
 * sched.c - [Guest 9] which guest runs where: each guest is placed on one
 * processor, each processor runs its own guests round robin, with a time
 * slice when several are ready, and sleeps ("sti; hlt") when none is.  A
 * guest moves only when its processor has several ready and another has
 * none.  Also the end of the run: every guest's and every processor's
 * statistics, and the machine switched off the way "exit=" says.
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
#include "hv/machine/smp.h"
#include "hv/mm/pmem_hv.h"
#include "hv/mm/shadow.h"

#define TIMESLICE_NS 10000000u /* between guests, when several are ready */
#define KICK_NS 250000u	       /* while the running guest's devices work */
#define DISK_WAIT_NS 50000u    /* an idle look at a disk that works */
#define NET_WAIT_NS 200000u    /* an idle look at the network's uplink */

#define MOVE_AGAIN_NS 100000000u /* a guest moves at most every 100 ms */

/*
 * [Processors 9] Each processor runs its own loop over the guests placed
 * on it (g->cpu), with its own timers and its own idle; the guests array
 * and everything in it are shared, under the hypervisor lock.
 */
struct cpu_sched {
	struct guest *running; /* whose slice this is, or NULL */
	bool need_resched;
	struct hv_timer slice_timer, kick_timer;
	/* An idle processor's next look at the polled hardware (disks, the
	 * uplink). */
	struct hv_timer look_timer;
	int last; /* round robin: the guest that ran last here */
	bool parked;
	uint64_t idle_sleeps, idle_ns, guest_cycles, exits;
	/* Wake-ups of its halted guests: how many, and the longest from the
	 * interrupt that woke one to its entry here, wherever the interrupt
	 * came from (another processor's device, typed input, its clock). */
	uint64_t wakeups, wake_max_ns;
};

static struct guest guests[MAX_GUESTS];
static int nr_guests;
static struct cpu_sched cpus[MAX_CPUS];
static struct guest *held; /* the console monitor's, for now: not run */
static volatile bool run_over;
static uint64_t first_start_ns;

#ifdef HV_SELFTEST
int selftest_fault_cpu = -1;	     /* selftest=fault-cpu1 (hv/selftest.c) */
static volatile uintptr_t null_page; /* (the compiler cannot know it) */
#define SELFTEST_FAULT() (*(volatile uint32_t *)(null_page + 0x10) = 1)
#else
#define selftest_fault_cpu -1
#define SELFTEST_FAULT() ((void)0)
#endif

static struct cpu_sched *here(void)
{
	return &cpus[cpu_index()];
}

static void end_slice(struct hv_timer *t)
{
	(void)t;
	here()->need_resched = true;
}

/* Nothing to do: the interrupt itself is the point (see run_slice). */
static void kick(struct hv_timer *t)
{
	(void)t;
}

static bool runnable(struct guest *g)
{
	unsigned irq;

	return guest_alive(g) && g != held &&
	       (!g->halted || guest_deliverable_irq(g, &irq));
}

/* Guests of `cpu` alive (ready_only: and ready to run). */
static int nr_on(unsigned cpu, bool ready_only)
{
	int n = 0;

	for (int i = 0; i < nr_guests; i++) {
		struct guest *g = &guests[i];

		if (g->cpu == cpu && guest_alive(g) &&
		    (!ready_only || runnable(g)))
			n++;
	}
	return n;
}

/*
 * A sleeping guest woken by another's doing (a frame from the switch, a
 * disk's answer, typed input) gets the CPU at the running guest's next
 * exit rather than after its whole slice: a guest sending as fast as it
 * can would otherwise fill a receiver's posted buffers within a slice
 * and have the switch drop the rest, for want of the receiver's turn.
 * A guest of another processor is that one's business: it gets a wake-up
 * interrupt, which also brings a running guest out to take what it was
 * given.
 */
void sched_wake(struct guest *g)
{
	struct cpu_sched *c = &cpus[g->cpu];
	unsigned irq;

	if (g->halted && !g->woken_ns && guest_deliverable_irq(g, &irq))
		g->woken_ns = time_now_ns();
	if (c->running && c->running != g && g->halted)
		c->need_resched = true;
	smp_wake(g->cpu); /* (nothing, if that is this processor) */
}

/* Whether the run is over: no guest alive, and no processor in a slice
 * (whose end may restart its guest: guest_maybe_restart()). */
static bool run_finished(void)
{
	for (int i = 0; i < nr_guests; i++)
		if (guest_alive(&guests[i]) || guests[i].on_cpu)
			return false;
	return true;
}

/* g is to stop (guest_kill(), guest_stop()): out of its guest now; and
 * if it was the last, the first processor decides whether the run ends. */
void sched_poke(struct guest *g)
{
	smp_wake(g->cpu);
	smp_wake(0);
}

/*
 * The console monitor (on the first processor) is about to free or
 * rebuild g: wait until no processor is in a slice of it, and keep it
 * from being run or restarted until sched_release().  The lock is let
 * go meanwhile, so that g's processor can finish the exit it is in.
 */
void sched_hold(struct guest *g)
{
	held = g;
	while (g->on_cpu) {
		smp_wake(g->cpu);
		hvlock_let_others();
	}
}

void sched_release(struct guest *g)
{
	struct cpu_sched *c = &cpus[g->cpu];

	if (held == g)
		held = NULL;
	/* Its processor may be running a lone guest with no slice timer
	 * (there was no one to share with): that slice ends now. */
	if (c->running && c->running != g)
		c->need_resched = true;
	smp_wake(g->cpu);
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

static void count_wakeup(struct cpu_sched *c, struct guest *g)
{
	uint64_t ns = time_now_ns() - g->woken_ns;

	c->wakeups++;
	if (ns > c->wake_max_ns)
		c->wake_max_ns = ns;
	g->woken_ns = 0;
}

static void run_slice(struct cpu_sched *c, struct guest *g)
{
	uint64_t t0;

	c->need_resched = false;
	c->running = g;
	g->on_cpu = true;
	timer_adopt(&g->clock); /* it may have been armed elsewhere */
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
	if (nr_on(g->cpu, false) > 1) {
		c->slice_timer.fn = end_slice;
		timer_arm(&c->slice_timer, time_now_ns() + turn_ns(g));
	}
	c->kick_timer.fn = kick;
	/* The guest's CPU time is counted an exit at a time, so that its own
	 * GUEST_STATS sees a slice that has not ended yet: one TSC read an
	 * exit, each entry's end being where the next one's time starts,
	 * and the conversion to time left to whoever reports it. */
	t0 = rdtsc();
	while (guest_alive(g) && !c->need_resched && g != held) {
		uint64_t now;

		if (!devices_poll(g))
			timer_cancel(&c->kick_timer);
		else if (!c->kick_timer.armed)
			timer_arm(&c->kick_timer, time_now_ns() + KICK_NS);
		net_poll(); /* frames from the wire, for anyone */
		deliver_pending_irq(g);
		if (!guest_alive(g) || g->halted)
			break;
		if (g->woken_ns)
			count_wakeup(c, g);
		guest_enter_once(g);
		now = rdtsc();
		g->stats.cpu_cycles += now - t0;
		c->guest_cycles += now - t0;
		c->exits++;
		t0 = now;
	}
	timer_cancel(&c->slice_timer);
	timer_cancel(&c->kick_timer);
	shadow_leave();
	g->on_cpu = false;
	c->running = NULL;
}

/* A halted guest whose device still works (it sleeps until the device
 * answers): a budget of that work for each, between slices, so neither
 * a busy guest nor an idle CPU holds it back.  Each processor its own. */
enum sleepers { NO_WORK, CPU_WORK, DISK_WORK };

static enum sleepers poll_sleepers(unsigned cpu)
{
	bool busy = false, work = false;

	for (int i = 0; i < nr_guests; i++) {
		struct guest *g = &guests[i];

		if (g->cpu == cpu && guest_alive(g) && g->halted && g != held &&
		    devices_busy(g) && devices_poll(g)) {
			busy = true;
			work |= !devices_only_waiting(g);
		}
	}
	return !busy ? NO_WORK : work ? CPU_WORK : DISK_WORK;
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

/* Round robin over this processor's guests, after the one that ran last. */
static struct guest *pick_next(struct cpu_sched *c, unsigned cpu)
{
	for (int i = 1; i <= nr_guests; i++) {
		int idx = (c->last + i) % nr_guests;

		if (guests[idx].cpu == cpu && runnable(&guests[idx])) {
			c->last = idx;
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
static void idle(struct cpu_sched *c, enum sleepers work)
{
	uint64_t t0;

	/* The lock is let go for the sleep: the others' exits go on, and
	 * the interrupt that wakes us takes it for its handler (trap.c). */
	if (work == CPU_WORK) {
		hvlock_drop();
		sti_nop_cli();
		hvlock_take();
		return;
	}
	if (work == DISK_WORK || (cpu_index() == 0 && net_has_uplink())) {
		/* The card is polled too: frames from the wire wait for a
		 * look, so an idle machine looks every NET_WAIT_NS (the
		 * first processor does; the others' loops look anyway). */
		c->look_timer.fn = kick;
		timer_arm(&c->look_timer,
			  time_now_ns() + (work == DISK_WORK ? DISK_WAIT_NS
							     : NET_WAIT_NS));
	}
	t0 = time_now_ns();
	c->idle_sleeps++;
	hvlock_drop();
	sti_hlt();
	cli();
	hvlock_take();
	timer_cancel(&c->look_timer);
	c->idle_ns += time_now_ns() - t0;
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
	printk("hv: guest %s: cpu %u, moves %u\n", g->name, g->cpu, g->moves);
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

/* A command is waiting: end the first processor's slice at its next exit
 * (the monitor runs there, between slices). */
void sched_resched(void)
{
	cpus[0].need_resched = true;
	smp_wake(0);
}

/* Each processor's statistics, and the idle time of all of them. */
void sched_print_cpus(void)
{
	uint64_t sleeps = 0, idle_ns = 0;

	for (unsigned i = 0; i < smp_cpus_online(); i++) {
		const struct cpu_sched *c = &cpus[i];

		printk("hv: cpu %u: exits %llu, guest %llu ms, idle %llu ms, "
		       "lock waits %llu, IPIs in %llu, wake-ups %llu (the "
		       "longest %llu us)\n",
		       i, (unsigned long long)c->exits,
		       (unsigned long long)(time_cycles_to_ns(c->guest_cycles) /
					    1000000),
		       (unsigned long long)(c->idle_ns / 1000000),
		       (unsigned long long)smp_stats[i].lock_waits,
		       (unsigned long long)smp_stats[i].ipis_in,
		       (unsigned long long)c->wakeups,
		       (unsigned long long)(c->wake_max_ns / 1000));
		sleeps += c->idle_sleeps;
		idle_ns += c->idle_ns;
	}
	printk("hv: idle: %llu sleeps, %llu ms\n", (unsigned long long)sleeps,
	       (unsigned long long)(idle_ns / 1000000));
}

/* ---- Placement ---- */

/*
 * [Processors 10] Where a new guest runs: where its cpu= says, or else
 * on the processor with the fewest guests (the first of those).  Pinned
 * guests are placed first, so the others fill in around them.
 */
static void place(struct guest *g, unsigned placed[MAX_CPUS])
{
	unsigned online = smp_cpus_online(), best = 0;
	int want = g->cfg->cpu;

	if (want >= 0 && (unsigned)want < online) {
		g->cpu = (unsigned)want;
		g->pinned = true;
		placed[g->cpu]++;
		printk("hv: guest %s: on cpu %u (pinned)\n", g->name, g->cpu);
		return;
	}
	if (want >= 0)
		printk("hv: guest %s: cpu=%d, but only %u CPUs are online; "
		       "placed as if unpinned\n",
		       g->name, want, online);
	for (unsigned c = 1; c < online; c++)
		if (placed[c] < placed[best])
			best = c;
	g->cpu = best;
	g->pinned = false;
	placed[g->cpu]++;
	printk("hv: guest %s: on cpu %u (fewest guests)\n", g->name, g->cpu);
}

/*
 * After a slice of g on this processor: move g if this processor has
 * more ready guests than one while another has none ready.  Not a
 * pinned guest, not a halted one (it has nothing to run anywhere), and
 * not twice within MOVE_AGAIN_NS, so two processors never toss a guest
 * to and fro.  This processor lets go of everything of g's it keeps (its
 * registers in our frame, its FPU registers, our descriptor tables'
 * copies of its entries), so the other needs nothing from this one.
 */
static void maybe_move(struct guest *g)
{
	unsigned me = g->cpu, to;
	uint64_t now;

	if (g->pinned || !runnable(g) || nr_on(me, true) < 2)
		return;
	now = time_now_ns();
	if (g->moves && now - g->moved_ns < MOVE_AGAIN_NS)
		return;
	for (to = 0; to < smp_cpus_online(); to++)
		if (to != me && !cpus[to].parked && nr_on(to, true) == 0)
			break;
	if (to == smp_cpus_online())
		return;
	guest_regs_unload(g);
	fpu_leave_cpu(g);
	guest_gdt_forget(g);
	guest_idt_forget(g);
	g->cpu = to;
	g->moves++;
	g->moved_ns = now;
	printk("hv: guest %s: moved from cpu %u to cpu %u\n", g->name, me, to);
	smp_wake(to);
}

/* ---- Every processor's loop ---- */

/* Until no guest is left: the guests of this processor, and idle when
 * none of them is ready.  The console monitor is the first processor's. */
static void cpu_loop(void)
{
	unsigned me = cpu_index();
	struct cpu_sched *c = &cpus[me];

	c->last = -1;
	/* The first processor decides when the run ends; the others go on
	 * until it says so, even while no guest of theirs is alive (the
	 * console monitor may start one again). */
	while (me == 0 ? !run_finished() : !run_over) {
		enum sleepers work;
		struct guest *g;

		/* Between slices: a command may stop or free a guest. */
		if (me == 0 && monitor_poll() && run_finished())
			break;
		work = poll_sleepers(me);
		net_poll();
		g = pick_next(c, me);
		if (!g) {
			idle(c, work);
			continue;
		}
		run_slice(c, g);
		if ((int)me == selftest_fault_cpu)
			SELFTEST_FAULT(); /* a NULL-page write */
		if (!guest_alive(g)) {
			if (g != held)
				guest_maybe_restart(g);
		} else {
			maybe_move(g);
		}
	}
}

/* The other processors, after the loop: nothing of any guest's is left on
 * them (shadow_leave() at every slice's end); they wait for the end. */
static __noreturn void others_loop(void)
{
	cpu_loop();
	here()->parked = true;
	hvlock_drop();
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* The first processor, at the end: every other one parked. */
static void wait_for_others(void)
{
	run_over = true;
	for (unsigned i = 1; i < smp_cpus_online(); i++) {
		smp_wake(i);
		while (!cpus[i].parked)
			hvlock_let_others();
	}
}

__noreturn void hv_run_guests(struct guest_config *cfg, int n)
{
	uint32_t free_before = pmem.free_pages;
	unsigned placed[MAX_CPUS] = { 0 };
	bool killed = false;

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
	/* Pinned guests first, so the others are placed around them. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < nr_guests; i++)
			if ((guests[i].cfg->cpu >= 0) == (pass == 0))
				place(&guests[i], placed);
	if (nr_guests == 0) {
		printk("hv: %s\n", n ? "no guest could be started"
				     : "no guests configured; nothing to run");
		hv_exit_machine(killed ? HV_EXIT_GUEST_KILLED : HV_EXIT_OK);
	}

	monitor_init();
	first_start_ns = time_now_ns();
	smp_run_others(others_loop);
	cpu_loop();
	wait_for_others();
	printk("hv: run: %llu ms from the first guest's start to the last "
	       "one's stop\n",
	       (unsigned long long)((time_now_ns() - first_start_ns) /
				    1000000));

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
	sched_print_cpus();
	printk("hv: all guests stopped; %u pages free (%u before the "
	       "guests started)\n",
	       pmem.free_pages, free_before);
	hv_exit_machine(killed ? HV_EXIT_GUEST_KILLED : HV_EXIT_OK);
}
