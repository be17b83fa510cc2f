/*
 * guest.c - [Guest 1] creating guests and ending them.
 *
 * A guest is created from its configuration (modconfig.c) and its
 * Multiboot2 modules: one contiguous block of RAM, its devices, the kernel
 * loaded into it the way the lguest Launcher did (loader.c), and the
 * registers of ABI section 2.5.  It ends when it asks to (SHUTDOWN) or is
 * killed, and may then be started again from scratch.  Running it is
 * exits.c's business; choosing which guest runs, sched.c's.
 */
#include "hv/dev/devices.h"
#include "hv/guest/debugcon.h"
#include "hv/core/core.h"
#include "hv/guest/guest.h"
#include "hv/lib/printk.h"
#include "hv/mm/pmem_hv.h"
#include "hv/mm/shadow.h"
#include "hv/setup/bootinfo.h"
#include "hv/setup/loader.h"

#define MAX_RESTARTS 16

/* ---- Ending a guest ---- */

static void print_regs(const struct guest *g)
{
	const struct trapframe *r = g->regs;

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
	sched_poke(g); /* out of the guest, if it runs elsewhere */
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
	return phys_to_virt(m->start);
}

/* Load kernel, initrd and boot_params into g's (zeroed) RAM. */
static bool load_images(struct guest *g)
{
	const struct boot_module *k = module(g->cfg->kernel_mod);
	const struct boot_module *rd = module(g->cfg->initrd_mod);
	struct guest_image_info info;
	uint32_t initrd_gpa = 0, initrd_len = 0;
	char err[160];

	if (!loader_load_kernel(g->mem, g->mem_size, module_bytes(k),
				k->end - k->start, &info, err, sizeof(err))) {
		printk("hv: guest %s: kernel refused: %s\n", g->name, err);
		return false;
	}
	if (rd) {
		initrd_len = rd->end - rd->start;
		if (!loader_load_initrd(g->mem, g->mem_size, info.kernel_end,
					module_bytes(rd), initrd_len,
					&initrd_gpa, err, sizeof(err))) {
			printk("hv: guest %s: initrd refused: %s\n", g->name,
			       err);
			return false;
		}
	}
	if (!loader_build_boot_params(
		    g->mem, g->mem_size,
		    info.kind == LOADER_BZIMAGE ? module_bytes(k) : NULL,
		    k->end - k->start, g->cfg->cmdline, initrd_gpa, initrd_len,
		    err, sizeof(err))) {
		printk("hv: guest %s: cannot build boot_params: %s\n", g->name,
		       err);
		return false;
	}
	g->kernel_entry = info.entry;
	g->kernel_end = info.kernel_end;
	pr_info("hv: guest %s: %s kernel, entry %#x, %u MiB RAM at %#x%s\n",
		g->name, info.kind == LOADER_BZIMAGE ? "bzImage" : "ELF",
		info.entry, g->mem_size >> 20, virt_to_phys(g->mem),
		rd ? ", initrd" : "");
	return true;
}

/* Everything but the RAM block: back to power-on state. */
static bool reset_state(struct guest *g)
{
	struct trapframe *r = g->regs;

	shadow_destroy(g);
	fpu_guest_gone(g);
	timer_cancel(&g->clock);
	g->state = GUEST_RUNNING;
	g->stop_reason = STOP_NONE;
	g->lguest_data = 0;
	g->noirq_iret = g->kernel_address = 0;
	g->hcall_cursor = 0;
	g->ss1 = g->esp1 = g->stack_pages = 0;
	g->irqs_pending = g->irq_pending_shown = 0;
	g->halted = false;
	g->woken_ns = 0;
	g->ts = false;
	devices_reset(g);
	hv_memset(g->idt, 0, sizeof(g->idt));
	g->idt_changed = true;
	guest_gdt_init(g);
	fpu_guest_init(g);

	/*
	 * [Guest 2] The registers a guest starts with (section 2.5): ring 1,
	 * flat segments, ESI = boot_params at 0, interrupts on.  Its page
	 * tables are not used yet: shadow_init() starts it in linear-pages
	 * mode, where every virtual address is the physical one (2.6).
	 */
	hv_memset(r, 0, sizeof(*r));
	r->eip = g->kernel_entry;
	r->cs = GUEST_KERNEL_CS;
	r->ds = r->es = r->ss = GUEST_KERNEL_DS;
	r->eflags = EFLAGS_IF | EFLAGS_RESERVED1;
	r->esi = 0;
	return shadow_init(g);
}

bool guest_create(struct guest *g, const struct guest_config *cfg, int id)
{
	uint32_t pages = cfg->mem_bytes >> PAGE_SHIFT;
	/* A restart in the same slot keeps its place (sched.c). */
	unsigned cpu = g->cpu, moves = g->moves;
	bool pinned = g->pinned;

	guest_regs_unload(g);
	hv_memset(g, 0, sizeof(*g));
	g->cpu = cpu;
	g->pinned = pinned;
	g->moves = moves;
	g->regs = &g->saved_regs;
	g->id = id;
	g->cfg = cfg;
	hv_strlcpy(g->name, cfg->name, sizeof(g->name));
	g->mem_size = cfg->mem_bytes;
	/*
	 * [Guest 3] RAM first, as one contiguous block, so guest-physical
	 * to machine is an addition and a bounds check.  If anything after
	 * it fails (devices, loading the images, the first address space),
	 * everything is undone: this guest is refused with the reason on
	 * the console, the others start regardless, and the run's exit
	 * status will say that a guest failed.
	 */
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
	g->started_ns = time_now_ns();
	return true;
}

void guest_destroy(struct guest *g)
{
	guest_regs_unload(g);
	devices_destroy(g);
	shadow_destroy(g);
	fpu_guest_gone(g);
	guest_gdt_forget(g);
	guest_idt_forget(g);
	timer_cancel(&g->clock);
	if (g->mem)
		pages_free(g->mem, g->mem_size >> PAGE_SHIFT);
	g->mem = NULL;
}

/* After a stop: start again from scratch if the guest or its restart
 * policy asks for it (section 12: RAM zeroed, images reloaded). */
void guest_maybe_restart(struct guest *g)
{
	enum restart_policy p = g->cfg->restart;
	bool again = g->stop_reason == STOP_RESTART ||
		     (g->stop_reason == STOP_KILLED && p != RESTART_NEVER) ||
		     (g->stop_reason == STOP_POWEROFF && p == RESTART_ALWAYS);

	if (!again)
		return;
	if (++g->restarts > MAX_RESTARTS) {
		printk("hv: guest %s: restarted %u times; giving up\n", g->name,
		       MAX_RESTARTS);
		return;
	}
	printk("hv: guest %s: restarting (%u)\n", g->name, g->restarts);
	hv_memset(g->mem, 0, g->mem_size);
	if (!load_images(g) || !reset_state(g)) {
		g->state = GUEST_STOPPED;
		g->stop_reason = STOP_KILLED;
	}
	g->started_ns = time_now_ns();
}
