/*
 * guest.c - [Guest 1] creating guests, running them, and ending them.
 *
 * A guest is created from its configuration (modconfig.c) and its
 * Multiboot2 modules: one contiguous block of RAM, the kernel loaded into
 * it the way the lguest Launcher did (loader.c), and the registers of
 * ABI section 2.5.  Then the scheduler below runs every live guest in
 * turn.  Each run is a loop of "enter through the Switcher, handle the
 * exit": a hypercall, a trap to reflect, a port to emulate, a page to
 * map, or a hardware interrupt that was ours all along.
 */
#include "guest.h"
#include "hv.h"
#include "irq.h"
#include "layout.h"
#include "loader.h"
#include "pmem_hv.h"
#include "ports.h"
#include "power.h"
#include "printk.h"
#include "shadow.h"
#include "../drivers/uart.h"
#include "../switcher/switcher.h"

#define TIMESLICE_NS 10000000u /* between guests, when several are ready */
#define MAX_RESTARTS 16

static struct guest guests[MAX_GUESTS];
static int nr_guests;
static bool need_resched;
static struct hv_timer slice_timer;
static uint64_t idle_sleeps, idle_ns;

/* ---- Ending a guest ---- */

static void print_regs(const struct guest *g)
{
	const struct trapframe *r = &g->regs;

	printk("hv: guest %s:   eip %08x cs %04x eflags %08x esp %08x ss "
	       "%04x\n",
	       g->name, r->eip, r->cs, r->eflags, r->esp, r->ss);
	pr_debug("hv: guest %s:   eax %08x ebx %08x ecx %08x edx %08x esi "
		 "%08x edi %08x ebp %08x\n",
		 g->name, r->eax, r->ebx, r->ecx, r->edx, r->esi, r->edi,
		 r->ebp);
}

static void stop_common(struct guest *g, enum stop_reason why)
{
	debug_console_flush(g);
	g->state = GUEST_STOPPED;
	g->stop_reason = why;
	g->halted = false;
	timer_cancel(&g->clock);
}

void guest_kill(struct guest *g, const char *fmt, ...)
{
	char reason[200];
	va_list ap;

	if (!guest_alive(g))
		return; /* the first reason is the one that counts */
	va_start(ap, fmt);
	hv_vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	debug_console_flush(g);
	printk("hv: guest %s: killed: %s\n", g->name, reason);
	print_regs(g);
	stop_common(g, STOP_KILLED);
}

void guest_stop(struct guest *g, enum stop_reason why, const char *msg)
{
	if (!guest_alive(g))
		return;
	debug_console_flush(g);
	printk("hv: guest %s: %s: %s\n", g->name,
	       why == STOP_RESTART ? "restart requested" : "power off", msg);
	stop_common(g, why);
}

/* ---- Creating (and re-creating) a guest ---- */

static const struct boot_module *module(int idx)
{
	return idx >= 0 ? &boot_info.mods[idx] : NULL;
}

static const uint8_t *module_bytes(const struct boot_module *m)
{
	return (const uint8_t *)(uintptr_t)m->start;
}

/* Load kernel, initrd and boot_params into g's (zeroed) RAM. */
static bool load_images(struct guest *g)
{
	const struct boot_module *k = module(g->cfg->kernel_mod);
	const struct boot_module *rd = module(g->cfg->initrd_mod);
	struct guest_image_info info;
	uint32_t initrd_gpa = 0, initrd_len = 0;
	char err[160];

	if (loader_load_kernel(g->mem, g->mem_size, module_bytes(k),
			       k->end - k->start, &info, err,
			       sizeof(err)) < 0) {
		printk("hv: guest %s: kernel refused: %s\n", g->name, err);
		return false;
	}
	if (rd) {
		initrd_len = rd->end - rd->start;
		if (loader_load_initrd(g->mem, g->mem_size, info.kernel_end,
				       module_bytes(rd), initrd_len,
				       &initrd_gpa, err, sizeof(err)) < 0) {
			printk("hv: guest %s: initrd refused: %s\n", g->name,
			       err);
			return false;
		}
	}
	if (loader_build_boot_params(
		    g->mem, g->mem_size,
		    info.kind == LOADER_BZIMAGE ? module_bytes(k) : NULL,
		    k->end - k->start, g->cfg->cmdline, initrd_gpa, initrd_len,
		    err, sizeof(err)) < 0) {
		printk("hv: guest %s: cannot build boot_params: %s\n",
		       g->name, err);
		return false;
	}
	g->kernel_entry = info.entry;
	g->kernel_end = info.kernel_end;
	pr_info("hv: guest %s: %s kernel, entry %#x, %u MiB RAM at %#x%s\n",
		g->name, info.kind == LOADER_BZIMAGE ? "bzImage" : "ELF",
		info.entry, g->mem_size >> 20, (unsigned)(uintptr_t)g->mem,
		rd ? ", initrd" : "");
	return true;
}

/* Everything but the RAM block: back to power-on state. */
static bool reset_state(struct guest *g)
{
	struct trapframe *r = &g->regs;

	shadow_destroy(g);
	fpu_guest_gone(g);
	timer_cancel(&g->clock);
	g->state = GUEST_RUNNING;
	g->stop_reason = STOP_NONE;
	g->lguest_data = 0;
	g->noirq_iret = g->kernel_address = 0;
	g->hcall_cursor = 0;
	g->ss1 = g->esp1 = g->stack_pages = 0;
	g->irqs_pending = 0;
	g->halted = false;
	g->ts = false;
	pit2_reset(&g->pit2);
	hv_memset(g->idt, 0, sizeof(g->idt));
	g->idt_changed = true;
	for (unsigned i = 0; i < g->ndevs; i++)
		virtio_reset(&g->devs[i]);
	guest_gdt_init(g);
	fpu_guest_init(g);

	/* Section 2.5: ring 1, flat segments, ESI = boot_params at 0. */
	hv_memset(r, 0, sizeof(*r));
	r->eip = g->kernel_entry;
	r->cs = GUEST_KERNEL_CS;
	r->ds = r->es = r->ss = GUEST_KERNEL_DS;
	r->eflags = EFLAGS_IF | EFLAGS_RESERVED1;
	r->esi = 0;
	return shadow_init(g);
}

static bool guest_create(struct guest *g, const struct guest_config *cfg,
			 int id)
{
	uint32_t pages = cfg->mem_bytes >> PAGE_SHIFT;

	hv_memset(g, 0, sizeof(*g));
	g->id = id;
	g->cfg = cfg;
	hv_strlcpy(g->name, cfg->name, sizeof(g->name));
	g->mem_size = cfg->mem_bytes;
	g->mem = pages_alloc_contig(pages, 1);
	if (!g->mem) {
		printk("hv: guest %s: refused: needs %u MiB of contiguous "
		       "memory, the largest free block is %u MiB\n",
		       g->name, g->mem_size >> 20,
		       pmem_largest_run(&pmem) >> 8);
		return false;
	}
	if (!devices_create(g) || !load_images(g) || !reset_state(g)) {
		devices_destroy(g);
		shadow_destroy(g);
		pages_free(g->mem, pages);
		g->mem = NULL;
		return false;
	}
	return true;
}

static void guest_destroy(struct guest *g)
{
	devices_destroy(g);
	shadow_destroy(g);
	fpu_guest_gone(g);
	timer_cancel(&g->clock);
	if (g->mem)
		pages_free(g->mem, g->mem_size >> PAGE_SHIFT);
	g->mem = NULL;
}

/* After a stop: start again from scratch if the guest or its restart
 * policy asks for it (section 12: RAM zeroed, images reloaded). */
static void maybe_restart(struct guest *g)
{
	enum restart_policy p = g->cfg->restart;
	bool again = g->stop_reason == STOP_RESTART ||
		     (g->stop_reason == STOP_KILLED && p != RESTART_NEVER) ||
		     (g->stop_reason == STOP_POWEROFF && p == RESTART_ALWAYS);

	if (!again)
		return;
	if (++g->restarts > MAX_RESTARTS) {
		printk("hv: guest %s: restarted %u times; giving up\n",
		       g->name, MAX_RESTARTS);
		return;
	}
	printk("hv: guest %s: restarting (%u)\n", g->name, g->restarts);
	hv_memset(g->mem, 0, g->mem_size);
	if (!load_images(g) || !reset_state(g)) {
		g->state = GUEST_STOPPED;
		g->stop_reason = STOP_KILLED;
	}
}

/* ---- Running ---- */

static void handle_exit(struct guest *g, uint32_t status, uint32_t cr2)
{
	struct trapframe *r = &g->regs;
	uint32_t vec = r->trapno, mmio_gpa = 0;

	g->stats.exits++;
	if (status == TRAP_BAD_GUEST_STATE) {
		guest_kill(g, "cannot resume it: reloading its segment "
			      "registers or its return frame faulted "
			      "(vector %u)",
			   switcher_bad_vector);
		return;
	}
	if (vec >= IRQ_BASE && vec < IRQ_BASE + NR_HW_IRQS) {
		irq_dispatch(vec - IRQ_BASE);
		return;
	}
	switch (vec) {
	case HCALL_VECTOR:
		do_hypercall(g);
		return;
	case T_GP:
		if (r->err == 0 && (r->cs & 3) == 1 && emulate_insn(g))
			return;
		deliver_trap(g, T_GP, true, r->err);
		return;
	case T_PAGE_FAULT:
		switch (shadow_page_fault(g, cr2, r->err, &mmio_gpa)) {
		case PF_FIXED:
		case PF_KILLED:
			return;
		case PF_REFLECT:
			if (g->lguest_data)
				lgd_write(g, LGD_CR2, cr2);
			deliver_trap(g, T_PAGE_FAULT, true, r->err);
			return;
		case PF_MMIO:
			if (mmio_emulate(g, mmio_gpa))
				return;
			/* No register there, or an instruction we do not
			 * emulate: the guest's own fault (section 11.6). */
			if (g->lguest_data)
				lgd_write(g, LGD_CR2, cr2);
			deliver_trap(g, T_PAGE_FAULT, true, r->err);
			return;
		}
		return;
	case T_NO_DEVICE:
		fpu_handle_nm(g);
		return;
	case T_NMI:
		/* Not the guest's, and nothing here arms NMIs: report it, as
		 * hv_trap() does when one arrives in the hypervisor. */
		pr_warn("hv: NMI while guest %s ran (eip %#x)\n", g->name,
			r->eip);
		return;
	case T_DOUBLE_FAULT:
		guest_kill(g, "double fault");
		return;
	case T_MACHINE_CHECK:
		panic("machine check while guest %s ran", g->name);
	}
	if (vec < NR_EXCEPTIONS || vec == LGUEST_SYSCALL_VEC)
		deliver_trap(g, vec, vector_has_error_code(vec), r->err);
	else
		guest_kill(g, "unexpected vector %u", vec);
}

/* One trip into the guest and back. */
static void enter_guest(struct guest *g)
{
	struct trapframe *f = switcher_guest_frame();
	uint32_t status, cr2;

	guest_gdt_install(g);
	guest_idt_install(g);
	fpu_prepare_entry(g);
	*f = g->regs;
	/* Whatever the guest did to its flags: interrupts on (they are ours),
	 * IOPL 0 (so port I/O traps), no virtual-8086 or nested task. */
	f->eflags = (f->eflags | EFLAGS_IF | EFLAGS_RESERVED1) &
		    ~(EFLAGS_IOPL | EFLAGS_VM | EFLAGS_NT);
	BUG_ON((f->cs & 3) == 0 || (f->ss & 3) == 0);
	status = switcher_enter(shadow_cr3(g));
	cr2 = read_cr2();
	g->regs = *f;
	handle_exit(g, status, cr2);
}

static void end_slice(struct hv_timer *t)
{
	(void)t;
	need_resched = true;
}

static int nr_alive(void)
{
	int n = 0;

	for (int i = 0; i < nr_guests; i++)
		n += guest_alive(&guests[i]);
	return n;
}

static void run_slice(struct guest *g)
{
	need_resched = false;
	if (nr_alive() > 1) {
		slice_timer.fn = end_slice;
		timer_arm(&slice_timer, time_now_ns() + TIMESLICE_NS);
	}
	while (guest_alive(g) && !need_resched) {
		deliver_pending_irq(g);
		if (!guest_alive(g) || g->halted)
			break;
		enter_guest(g);
	}
	timer_cancel(&slice_timer);
}

struct guest *guest_first_alive(void)
{
	for (int i = 0; i < nr_guests; i++)
		if (guest_alive(&guests[i]))
			return &guests[i];
	return NULL;
}

static bool runnable(struct guest *g)
{
	return guest_alive(g) && (!g->halted || guest_deliverable_irq(g) >= 0);
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

/* Nothing to run: sleep until an interrupt.  "sti; hlt" is one step, so
 * an interrupt that arrived since we looked wakes us at once. */
static void idle(void)
{
	uint64_t t0 = time_now_ns();

	idle_sleeps++;
	sti_hlt();
	cli();
	idle_ns += time_now_ns() - t0;
}

static void print_stats(const struct guest *g)
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
	printk("hv: guest %s: hypercalls by number:", g->name);
	for (unsigned i = 0; i < ARRAY_SIZE(s->by_hypercall); i++)
		if (s->by_hypercall[i])
			printk(" %u:%u", i, s->by_hypercall[i]);
	printk("\n");
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

	while (nr_alive() > 0) {
		struct guest *g = pick_next(&last);

		if (!g) {
			idle();
			continue;
		}
		run_slice(g);
		if (!guest_alive(g))
			maybe_restart(g);
	}

	for (int i = 0; i < nr_guests; i++) {
		print_stats(&guests[i]);
		if (guests[i].stop_reason == STOP_KILLED)
			killed = true;
		guest_destroy(&guests[i]);
	}
	if (uart_rx_dropped())
		printk("hv: console: %u typed bytes were dropped (no guest "
		       "read them in time)\n",
		       uart_rx_dropped());
	printk("hv: idle: %llu sleeps, %llu ms\n",
	       (unsigned long long)idle_sleeps,
	       (unsigned long long)(idle_ns / 1000000));
	printk("hv: all guests stopped; %u pages free (%u before the "
	       "guests started)\n",
	       pmem.free_pages, free_before);
	hv_exit_machine(killed ? HV_EXIT_GUEST_KILLED : HV_EXIT_OK);
}
