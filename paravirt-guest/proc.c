/*
 * proc.c - [Pvguest 9] processes: creating them, switching between them,
 * and ending them.
 *
 * A process is a page directory (vm.c), a kernel stack, a saved
 * kernel stack pointer, and its FPU registers (fpu.c) while it is switched
 * out.  Its other user registers are not kept here: they are
 * the trapframe at the top of its kernel stack, where the hypervisor put
 * them when the process last trapped (ABI 8.3: from user mode a trap
 * always lands on the stack we named in SET_STACK).
 *
 * Process 0 is the kernel itself, waiting for the first program
 * (init.c) on the boot stack with swapper_pgdir; it never enters user
 * mode.  The others run programs from the disk or the image (exec.c).
 * Scheduling is round robin: the timer interrupt (every 10 ms) asks for
 * a switch, and we switch when the interrupt came from user mode.  The
 * kernel is never preempted: it switches only when it chooses to (yield,
 * wait, exit), which keeps it simple, as in early Unix.
 */
#include <stdarg.h>

#include "console.h"
#include "devices.h"
#include "hcall.h"
#include "idt.h"
#include "irq.h"
#include "mm.h"
#include "net.h"
#include "proc.h"
#include "timer.h"
#include "x86.h"

#define TICK_NS (1000000000u / TICK_HZ) /* the 10 ms quantum */
#define KILLED_STATUS (-1)

struct proc *current;
struct sched_stats sched_stats;

static struct proc procs[NPROC];
static uint8_t kstacks[NPROC][KSTACK_SIZE] __attribute__((aligned(4096)));
static int next_pid = 1;
static volatile bool need_resched;

extern uint8_t boot_stack[], boot_stack_top[];
extern const char trap_return[];

static uint32_t kstack_top(const struct proc *p)
{
	return p == &procs[0] ? (uint32_t)boot_stack_top
			      : (uint32_t)p->kstack + KSTACK_SIZE;
}

/*
 * Everything a process needs from the hypervisor before it runs: the
 * kernel stack for traps from user mode, then its page directory.
 * Linux sends the same two, through the async ring, on every switch, and
 * we flush the ring at once: the next user instruction must already run
 * on the new directory.
 */
static void switch_to(struct proc *next)
{
	struct proc *prev = current;

	lazy_begin();
	lazy_hcall(LHCALL_SET_STACK, GUEST_KERNEL_DS, kstack_top(next),
		   KSTACK_PAGES);
	if (next->pgdir != prev->pgdir)
		load_pgdir(next->pgdir);
	lazy_end();
	/* The registers are prev's until now: the kernel never uses them. */
	fpu_save(&prev->fpu);
	fpu_load(&next->fpu);
	current = next;
	sched_stats.switches++;
	swtch(&prev->context, next->context);
}

static struct proc *pick_next(void)
{
	int me = current - procs;

	for (int i = 1; i <= NPROC; i++) {
		struct proc *p = &procs[(me + i) % NPROC];

		if (p->state == RUNNABLE)
			return p;
	}
	return current->state == RUNNING ? current : NULL;
}

/*
 * Give the CPU to the next runnable process (or keep it).  The caller
 * has set current->state: RUNNING to carry on later, WAITING or ZOMBIE
 * not to.  Interrupts are off across the switch; the process we switch
 * to turns them back on on its way out, from its own saved flags.
 */
void schedule(void)
{
	uint32_t flags = irq_save();
	struct proc *next;

	need_resched = false;
	next = pick_next();
	if (!next) {
		/* Everyone waits for someone: a bug, and nothing can fix it. */
		printf("guest: FAIL: no runnable process\n");
		guest_poweroff("deadlock");
	}
	if (current->state == RUNNING)
		current->state = RUNNABLE;
	next->state = RUNNING;
	if (next != current)
		switch_to(next);
	irq_restore(flags);
}

/*
 * Nothing to do until an interrupt brings news (a typed key, a finished
 * disk request).  Called with interrupts off, just after the caller found
 * nothing to do; returns with them on, and the caller looks again.  If
 * another process can run, it runs meanwhile.  Otherwise we give the CPU
 * back with HALT, with interrupts still off, so that news arriving since
 * the caller looked is not missed: the hypervisor then returns from HALT
 * at once (timer_wait_tick() explains the race).
 */
void proc_idle(void)
{
	for (int i = 0; i < NPROC; i++) {
		if (&procs[i] != current && procs[i].state == RUNNABLE) {
			irq_enable();
			schedule();
			return;
		}
	}
	hcall(LHCALL_HALT, 0, 0, 0);
	irq_enable();
}

/* From the timer interrupt: this process's 10 ms are up. */
void sched_tick(void)
{
	/* The timer may tick before there are processes (the demo's). */
	if (current && current != &procs[0])
		current->cpu_ticks++;
	need_resched = true;
}

/*
 * Last thing before a trap returns to user mode (trap.c).
 *
 * First, a subtle one.  A tick that comes while our interrupts are off
 * waits in the hypervisor, which sets irq_pending (ABI 8.4) and delivers
 * it at its next chance: when it is about to resume us with interrupts
 * on.  But our way back to user mode turns them on with the "iret" alone,
 * which the hypervisor never sees, and a program that makes system calls
 * back to back only ever traps with them off again (the gate turns them
 * off).  Its ticks would wait for ever.  So, as Linux's system-call path
 * does with its "sti", we turn interrupts on for a moment here: that
 * sees irq_pending and asks for the interrupt (SEND_INTERRUPTS).
 */
void return_to_user(struct trapframe *tf)
{
	uint32_t flags = irq_save();

	irq_enable();
	irq_disable();
	if (need_resched && current != &procs[0]) {
		sched_stats.preemptions++;
		schedule();
	}
	irq_restore(flags);
}

/* A trap from user mode that nothing else handled: the process dies. */
void user_trap(struct trapframe *tf)
{
	proc_kill("trap %u (%s) at eip %p", tf->vector, trap_name(tf->vector),
		  (void *)tf->eip);
}

static struct proc *proc_alloc(void)
{
	for (int i = 1; i < NPROC; i++) {
		struct proc *p = &procs[i];

		if (p->state != UNUSED)
			continue;
		p->pgdir = vm_create();
		if (!p->pgdir)
			return NULL;
		p->pid = next_pid++;
		p->kstack = kstacks[i];
		p->parent = current;
		p->heap_start = p->brk = 0;
		p->exit_status = 0;
		p->cpu_ticks = p->child_ticks = 0;
		fpu_reset(&p->fpu);
		return p;
	}
	return NULL;
}

/*
 * Make p's kernel stack look as if p had trapped from user mode with
 * registers *tf and then called swtch(): the first switch to p "returns"
 * into trap_return, which pops the frame and enters user mode.
 */
static void proc_set_frame(struct proc *p, const struct trapframe *tf)
{
	uint32_t *sp = (uint32_t *)kstack_top(p);
	struct trapframe *ntf = (struct trapframe *)sp - 1;

	*ntf = *tf;
	sp = (uint32_t *)ntf;
	*--sp = (uint32_t)trap_return;
	*--sp = 0; /* ebp: the end of a backtrace */
	*--sp = 0; /* ebx */
	*--sp = 0; /* esi */
	*--sp = 0; /* edi */
	p->context = (uint32_t)sp;
}

static void copy_name(struct proc *p, const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(p->name) - 1 && name[i]; i++)
		p->name[i] = name[i];
	p->name[i] = '\0';
}

/* The kernel starts a program in a new process (no fork needed). */
struct proc *proc_spawn(const char *prog, int arg)
{
	struct trapframe tf;
	struct proc *p = proc_alloc();

	if (!p)
		return NULL;
	if (!exec_load(p, prog, arg, &tf)) {
		vm_free_user(p->pgdir);
		page_free(p->pgdir);
		return NULL;
	}
	copy_name(p, prog);
	proc_set_frame(p, &tf);
	p->state = RUNNABLE;
	return p;
}

/* fork(): a copy of the current process, returning 0 in the child. */
int proc_fork(const struct trapframe *tf)
{
	struct trapframe child_tf = *tf;
	struct proc *p = proc_alloc();

	if (!p)
		return -1;
	if (!vm_copy(p->pgdir, current->pgdir)) {
		vm_free_user(p->pgdir);
		page_free(p->pgdir);
		return -1;
	}
	p->heap_start = current->heap_start;
	p->brk = current->brk;
	/* Ours are in the CPU, as the trap left them: the child's copy. */
	fpu_save(&p->fpu);
	copy_name(p, current->name);
	child_tf.eax = 0;
	proc_set_frame(p, &child_tf);
	p->state = RUNNABLE;
	sched_stats.forks++;
	return p->pid;
}

/* exec(): the same process, a new program; on success tf enters it. */
int proc_exec(const char *prog, int arg, struct trapframe *tf)
{
	if (!prog_exists(prog))
		return -1;
	if (!exec_load(current, prog, arg, tf))
		proc_kill("out of memory in exec");
	/* The new program starts with a clean FPU, loaded now: the CPU holds
	 * the old program's registers until our next switch. */
	fpu_reset(&current->fpu);
	fpu_load(&current->fpu);
	copy_name(current, prog);
	return 0;
}

/*
 * exit(): give back the user half of the address space, and the UDP
 * ports the process bound (udp.c), now, and become a zombie until the
 * parent collects the status with wait(), which frees the page
 * directory (we are still running on it here).  Orphans go to process 0,
 * which waits for everything in the end.
 */
void proc_exit(int status)
{
	struct proc *p = current;
	bool orphans = false;

	if (p == &procs[0]) {
		printf("guest: FAIL: the kernel itself tried to exit\n");
		guest_poweroff("kernel exit");
	}
	vm_free_user(p->pgdir);
	udp_close_owner(p->pid);
	for (int i = 1; i < NPROC; i++) {
		if (procs[i].state != UNUSED && procs[i].parent == p) {
			procs[i].parent = &procs[0];
			orphans = true;
		}
	}
	if (orphans && procs[0].state == WAITING)
		procs[0].state = RUNNABLE; /* one may be a zombie already */
	p->exit_status = status;
	p->state = ZOMBIE;
	sched_stats.exits++;
	if (p->parent->state == WAITING)
		p->parent->state = RUNNABLE;
	schedule();
	guest_poweroff("crash: a zombie ran");
}

__attribute__((noreturn)) void proc_kill(const char *fmt, ...)
{
	va_list ap;

	printf("guest: process %d killed: ", current->pid);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	proc_exit(KILLED_STATUS);
}

/* wait(): reap a zombie child, sleeping until there is one. */
int proc_wait(int *status)
{
	for (;;) {
		bool children = false;

		for (int i = 1; i < NPROC; i++) {
			struct proc *p = &procs[i];

			if (p->state == UNUSED || p->parent != current)
				continue;
			children = true;
			if (p->state != ZOMBIE)
				continue;
			*status = p->exit_status;
			current->child_ticks += p->cpu_ticks + p->child_ticks;
			page_free(p->pgdir);
			p->state = UNUSED;
			return p->pid;
		}
		if (!children)
			return -1;
		current->state = WAITING;
		schedule();
	}
}

/*
 * Get ready to run processes: user segments in the GDT, the handlers,
 * process 0, and the tick.  The segments are Linux's (ABI 7): flat 4 GiB,
 * DPL 3, in slots 14 and 15.
 */
void proc_init(void)
{
	struct proc *p0 = &procs[0];

	hcall(LHCALL_LOAD_GDT_ENTRY, USER_CS >> 3, 0x0000ffff, 0x00cffa00);
	hcall(LHCALL_LOAD_GDT_ENTRY, USER_DS >> 3, 0x0000ffff, 0x00cff200);
	idt_init();
	devices_enable_irqs();
	trap_set_handler(VECTOR_PF, page_fault);
	trap_set_handler(SYSCALL_VECTOR, syscall_handler);

	p0->pid = 0;
	p0->state = RUNNING;
	copy_name(p0, "kernel");
	p0->pgdir = swapper_pgdir;
	p0->kstack = boot_stack;
	fpu_init();
	fpu_reset(&p0->fpu);
	current = p0;
	hcall(LHCALL_SET_STACK, GUEST_KERNEL_DS, kstack_top(p0), KSTACK_PAGES);
	timer_start(TICK_NS);
	irq_enable();
}
