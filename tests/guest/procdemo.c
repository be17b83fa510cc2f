/*
 * procdemo.c - [Testguest 3] user processes: the v1 part of the demo, and
 * the "test=" cases that check one thing each.
 *
 * Process 0 (the kernel) starts the programs of user/ (and the
 * kernel's own hello, forktest and heap) and waits for them; the
 * programs print what they saw, and their exit status says whether it
 * was right.  Each scenario:
 *
 *   hello      one program in ring 3;
 *   preempt    two programs that never yield, run side by side by the
 *              timer;
 *   fpu        two programs summing in floating point, preempted in the
 *              middle, each with its own FPU registers; fork copies them,
 *              exec resets them;
 *   isolation  two programs write to the same address, each keeps its own;
 *   fork       fork copies memory, the copies are separate; fork + exec;
 *   heap       sbrk and demand-zero pages;
 *   kaccess    programs that read kernel memory die, another goes on;
 *   kmap       a kernel mapping changed while neither process runs is
 *              seen by both (ABI 9.5);
 *   forkloop   200 fork+exit cycles, with no page lost.
 */
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/proc.h"
#include "paravirt-guest/trap.h"

#include "testguest.h"

#define KILLED (-1)
#define KMAP_SLOT 0
#define PEEK_VECTOR 4 /* "int $4", the overflow trap: user/kmap.c */
#define FORKLOOP_CYCLES 200

/* Start a program; false (and a FAIL line) if we could not. */
static bool spawn(const char *prog, int arg)
{
	if (proc_spawn(prog, arg))
		return true;
	printf("guest: FAIL: cannot start %s\n", prog);
	return false;
}

/* Wait for every child; returns how many did not exit with status 0. */
static int reap(void)
{
	int status, pid, bad = 0;

	while ((pid = proc_wait(&status)) > 0) {
		if (status != 0) {
			printf("guest: FAIL: process %d exited with %d\n", pid,
			       status);
			bad++;
		}
	}
	return bad;
}

static int scenario_hello(void)
{
	return spawn("hello", 1) ? reap() : 1;
}

static int scenario_preempt(void)
{
	uint32_t before = sched_stats.preemptions;
	int bad;

	if (!spawn("spin", 1) || !spawn("spin", 2))
		return 1 + reap();
	bad = reap();
	printf("guest: sched: two spinning processes shared the CPU: %u "
	       "preemptions\n",
	       sched_stats.preemptions - before);
	return bad + (sched_stats.preemptions == before);
}

/*
 * fpumath 1 and 2 must be switched mid-sum, several times each, or the
 * test proves nothing.  The exits per switch are printed as a measure
 * of what the kernel's FPU switching costs (paravirt-guest/fpu.c).
 */
#define FPU_MIN_PREEMPTIONS 4

/* An FPU exception kills its process; the next starts with clean
 * registers (fpumath 4 checks the control words). */
static int fpu_exception_kills(void)
{
	int status = 0;

	if (!spawn("fpumath", 5))
		return 1;
	if (proc_wait(&status) < 0 || status != KILLED) {
		printf("guest: FAIL: fpumath 5 exited with %d, not killed\n",
		       status);
		return 1;
	}
	return spawn("fpumath", 4) ? reap() : 1;
}

static int scenario_fpu(void)
{
	uint32_t preempted = sched_stats.preemptions;
	uint32_t switched = sched_stats.switches;
	struct lguest_stats st0, st1;
	uint32_t exits, per;
	int bad;

	guest_stats(&st0);
	if (!spawn("fpumath", 1) || !spawn("fpumath", 2))
		return 1 + reap();
	bad = reap();
	guest_stats(&st1);
	preempted = sched_stats.preemptions - preempted;
	switched = sched_stats.switches - switched;
	exits = (uint32_t)(st1.exits - st0.exits);
	per = switched ? switched : 1;
	printf("guest: fpu: two processes summed in floating point side by "
	       "side: %u preemptions, %u switches, %u exits (%u.%u per "
	       "switch): %s\n",
	       preempted, switched, exits, exits / per, exits * 10 / per % 10,
	       preempted >= FPU_MIN_PREEMPTIONS ? "ok" : "FAIL (too few)");
	if (!spawn("fpumath", 3))
		return 1 + bad;
	bad += reap() + (preempted < FPU_MIN_PREEMPTIONS);
	return bad + fpu_exception_kills();
}

static int scenario_isolation(void)
{
	if (!spawn("isolate", 1) || !spawn("isolate", 2))
		return 1 + reap();
	return reap();
}

static int scenario_fork(void)
{
	return spawn("forktest", 0) ? reap() : 1;
}

static int scenario_heap(void)
{
	return spawn("heap", 16) ? reap() : 1;
}

/*
 * Three bad readers (the kernel, the hypervisor's region, a null
 * pointer) must be killed, and a good program beside them must finish.
 */
static int scenario_kaccess(void)
{
	int status, pid, killed = 0, fine = 0;

	if (!spawn("kaccess", 0) || !spawn("kaccess", 1) ||
	    !spawn("kaccess", 2) || !spawn("hello", 2))
		return 1 + reap();
	while ((pid = proc_wait(&status)) > 0) {
		killed += status == KILLED;
		fine += status == 0;
	}
	if (killed != 3 || fine != 1) {
		printf("guest: FAIL: kaccess: %d killed, %d fine\n", killed,
		       fine);
		return 1;
	}
	printf("guest: kaccess: the 3 bad readers were killed, the other "
	       "process finished, the kernel goes on\n");
	return 0;
}

/*
 * kmap's window on the fixmap, which is in the kernel's half where a
 * program may not read: it asks us with "int $4", the address in EAX,
 * and gets the word back in EAX.  Vector 4 is one idt_init() already
 * lets ring 3 raise and nothing else here uses, and we claim it only
 * while the scenario runs.  Only mapped fixmap words, nothing else.
 */
static volatile uint32_t peeks;

static void peek_for_user(struct trapframe *tf)
{
	uint32_t addr = tf->eax;

	tf->eax = (uint32_t)-1;
	if (!from_user(tf) || addr < boot_mm.fixmap_va ||
	    addr - boot_mm.fixmap_va >= PGDIR_SIZE || (addr & 3))
		return;
	if (!(boot_mm.fixmap_table[PTX(addr)] & PTE_P))
		return;
	peeks++;
	tf->eax = *(volatile uint32_t *)addr;
}

/*
 * Two processes read fixmap slot 0, so both their shadows (and ours)
 * hold the mapping.  Then, while our own directory is current, we point
 * the slot at another page: one SET_PTE for a kernel address, which the
 * hypervisor must apply to every shadow it keeps.
 */
static int scenario_kmap(void)
{
	uint32_t *a = page_alloc(), *b = page_alloc();
	int bad;

	if (!a || !b)
		return 1;
	a[0] = 0x11111111;
	b[0] = 0x22222222;
	fixmap_set(KMAP_SLOT, __pa(a) | PTE_KERNEL);
	trap_set_handler(PEEK_VECTOR, peek_for_user);
	peeks = 0;
	if (!spawn("kmap", FIXMAP(KMAP_SLOT)) ||
	    !spawn("kmap", FIXMAP(KMAP_SLOT)))
		return 1 + reap();
	while (peeks < 2)
		schedule();
	fixmap_set(KMAP_SLOT, __pa(b) | PTE_KERNEL);
	printf("guest: kmap: fixmap page %p remapped from 0x%x to 0x%x "
	       "with one SET_PTE\n",
	       (void *)FIXMAP(KMAP_SLOT), a[0], b[0]);
	bad = reap();
	trap_set_handler(PEEK_VECTOR, NULL);
	fixmap_set(KMAP_SLOT, 0);
	page_free(a);
	page_free(b);
	return bad;
}

static int scenario_forkloop(void)
{
	uint32_t before = pages_free();
	int bad;

	if (!spawn("forkloop", FORKLOOP_CYCLES))
		return 1;
	bad = reap();
	printf("guest: forkloop: %u free pages before, %u after: %s\n", before,
	       pages_free(), before == pages_free() ? "ok" : "FAIL");
	return bad + (before != pages_free());
}

struct scenario {
	const char *name;
	int (*run)(void);
};

static const struct scenario scenarios[] = {
	{ "hello", scenario_hello },
	{ "preempt", scenario_preempt },
	{ "isolation", scenario_isolation },
	{ "fork", scenario_fork },
	{ "heap", scenario_heap },
	{ "kaccess", scenario_kaccess },
	{ "kmap", scenario_kmap },
	{ "forkloop", scenario_forkloop },
	{ "fpu", scenario_fpu },
};

#define NR_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

static void print_stats(void)
{
	printf("guest: procs: %u forks, %u exits, %u switches (%u "
	       "preemptions), %u demand-zero faults, %u free pages\n",
	       sched_stats.forks, sched_stats.exits, sched_stats.switches,
	       sched_stats.preemptions, sched_stats.user_faults, pages_free());
}

/* Every scenario; the number that failed.  demo.c calls this too. */
int procdemo_all(void)
{
	int failures = 0;

	proc_init();
	printf("guest: procs: user segments 0x73/0x7b loaded, %u free pages, "
	       "scheduler ticking every 10 ms\n",
	       pages_free());
	for (unsigned int i = 0; i < NR_SCENARIOS; i++)
		failures += scenarios[i].run() != 0;
	print_stats();
	return failures;
}

void procdemo_run(void)
{
	int failures = procdemo_all();

	if (failures) {
		printf("guest: procs: %d scenario(s) failed\n", failures);
		guest_poweroff("procs failed");
	}
	printf("guest: procs: all scenarios passed\n");
	guest_poweroff("procs complete");
}

void procdemo_test(const char *name)
{
	for (unsigned int i = 0; i < NR_SCENARIOS; i++) {
		if (!word_equals(name, scenarios[i].name))
			continue;
		guest_connect();
		proc_init();
		if (scenarios[i].run() != 0) {
			printf("guest: test %s: FAIL\n", scenarios[i].name);
			guest_poweroff("test failed");
		}
		print_stats();
		printf("guest: test %s: passed\n", scenarios[i].name);
		guest_poweroff("test passed");
	}
}
