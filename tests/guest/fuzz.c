/*
 * fuzz.c - [Testguest 10] random hypercalls, descriptors and page tables,
 * a million at a time ("fuzz seed=N calls=M kills=K"; make fuzz-guest).
 *
 * Each step draws from a generator seeded by (seed, step number), so any
 * step can be replayed on its own, and makes one hypercall (or queues it
 * in the async ring, ABI 4.1) with random arguments: GDT, IDT and TLS
 * entries, SET_STACK, TS, the clock, FLUSH_TLB, SET_PGD, SET_PTE and
 * NEW_PGTABLE over page tables of our own with random entries, and reads
 * through them.
 *
 * Surviving the kills.  The ABI makes an invalid request fatal (ABI 0, 5),
 * and the hypervisor restarts a killed guest (restart=on-crash) at most
 * 16 times, from zeroed RAM, so we cannot simply let ourselves be killed
 * a few thousand times.  Instead every step is judged, before it is made,
 * by a model of the ABI's rules:
 *
 *   safe    the rules say it cannot kill us (most steps);
 *   risky   it will or may kill us (an unknown hypercall, a vector over
 *           255, a bad PTE the hypervisor may have to install, a new
 *           page directory at a random address...).
 *
 * Risky steps are made only within a kill budget spread over the run
 * (kills=, default 12); otherwise the step is "defused": a safe one is
 * made instead.  Before a risky step we write a checkpoint to sector 0
 * of our disk, which the hypervisor keeps across restarts (ABI 12): the
 * next step, the counters, and "armed".  After a restart we read it back
 * and carry on after the step that killed us.  If we survive it, the
 * checkpoint is disarmed.  A kill with no checkpoint armed is one the
 * model did not predict: we count it as unexpected, say so, and skip the
 * rest of that chunk of steps (the periodic checkpoint's), so that it is
 * not replayed into the same kill.  Either is worth a look: the model is
 * wrong, or the hypervisor is.
 *
 * What must keep working is ours alone to break, so we never touch it
 * outside a bounded experiment: GDT slots 12 and 13 (our CS, DS and SS)
 * change only in the risky "flip", two back-to-back hypercalls in one
 * asm block with interrupts off, the second restoring them; an IDT gate
 * we use is restored right after the random one, interrupts off; the
 * kernel half of every page directory we switch to is the kernel's own,
 * and kernel-range SET_PTEs only touch a 4 MiB window of our own; the
 * stacks SET_STACK names are a buffer of ours; we only ever read through
 * the random mappings, never write.
 *
 * "trace" prints a line before every step; "surprise=N" breaks a rule at
 * step N with nothing armed, to try the unexpected-kill path.
 */
#include <stdbool.h>
#include <stdint.h>

#include "paravirt-guest/blk.h"
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/irq.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/timer.h"
#include "paravirt-guest/trap.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

/* entry.S's stubs, to put a gate we use back (idt.c registers them). */
extern const uint32_t trap_stubs[IRQ_BASE + NR_IRQS];
extern const uint32_t trap_stub_syscall[1];

#define FUZZ_MAGIC 0x7a7a5546u
#define DEFAULT_CALLS 1000000u
#define DEFAULT_BUDGET 12u /* of the hypervisor's 16 restarts */
#define CHUNK 4096u	   /* steps between periodic checkpoints */
#define NDIRS 6		   /* more than the hypervisor caches (4) */
#define NPTS 4		   /* user page tables hung in our directories */
#define USER_PDE_FIRST 1   /* our user PDEs: 4 MiB to 36 MiB */
#define USER_PDES 8
#define GDT_ENTRIES 32
#define WINDOW_PDE_FIRST 896 /* 0xE0000000: the kernel window we own */
#define WINDOW_PDE_LOW 832   /* 0xD0000000: the same under a 512 MiB region */
#define MMIO_GUESS_PAGES 256 /* the device window's empty first MiB */

/* What the disk remembers across our restarts (sector 0). */
struct fuzz_record {
	uint32_t magic, seed, calls, budget;
	uint32_t next;	     /* the step to make next */
	uint32_t hcalls;     /* fuzzed hypercalls made, queued ones too */
	uint32_t probes;     /* reads through random mappings */
	uint32_t kills;	     /* deaths so far */
	uint32_t unexpected; /* ... of which no checkpoint was armed for */
	uint32_t risky;	     /* risky steps made */
	uint32_t survived;   /* ... that did not kill us */
	uint32_t defused;    /* risky steps the budget turned safe */
	uint32_t boots;
	uint32_t start_sec; /* wall clock at the first boot */
	uint32_t armed;	    /* written just before a risky step */
	uint32_t done;
};

static struct fuzz_record st;
static uint8_t sector[SECTOR_SIZE] __attribute__((aligned(16)));

static uint32_t ram_pages;
static uint32_t *dirs[NDIRS], *pts[NPTS], *window_pt;
static uint32_t *cur_dir; /* the directory we last asked for */
static uint32_t window_pde, window_va;
static uint8_t stack_area[3 * PAGE_SIZE] __attribute__((aligned(4096)));
static uint32_t tls_buf[6];
static volatile uint32_t ticks;

/* ---- The generator: xorshift32, seeded per step ---- */

static uint32_t rng;

static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return x;
}

static void rng_step(uint32_t step)
{
	rng = mix(st.seed ^ mix(step * 0x9e3779b9u + 1));
	if (!rng)
		rng = 1;
}

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static uint32_t below(uint32_t n)
{
	return rnd() % n;
}

static bool chance(uint32_t one_in)
{
	return below(one_in) == 0;
}

/* ---- The checkpoint ---- */

static void record_write(void)
{
	int s;

	for (unsigned i = 0; i < sizeof(sector); i++)
		sector[i] = 0;
	memcpy(sector, &st, sizeof(st));
	s = blk_write(0, sector, SECTOR_SIZE);
	if (s != BLK_S_OK) {
		printf("guest: fuzz: FAIL: checkpoint write: %s\n",
		       blk_status_name(s));
		guest_poweroff("fuzz: no checkpoint");
	}
}

static bool record_read(struct fuzz_record *r)
{
	if (blk_read(0, sector, SECTOR_SIZE) != BLK_S_OK)
		return false;
	memcpy(r, sector, sizeof(*r));
	return true;
}

/* May this step be risky?  The budget is spread over the run. */
static bool budget_allows(void)
{
	uint64_t share = (uint64_t)st.budget * st.hcalls / st.calls;

	return st.kills < st.budget && st.kills < 1 + share;
}

/* Just before a risky step: if it kills us, the next boot goes on
 * after it, with the kill counted. */
static void arm(uint32_t step)
{
	struct fuzz_record keep = st;

	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0); /* no queued call after it */
	st.next = step + 1;
	st.hcalls++; /* the call that kills us */
	st.kills++;
	st.risky++;
	st.armed = 1;
	record_write();
	st = keep;
	st.risky++;
}

static void disarm(uint32_t step)
{
	st.survived++;
	st.next = step + 1;
	record_write();
}

/* ---- Making calls ---- */

static bool queue_it; /* this step goes through the async ring */
static bool trace;    /* "trace": a line before every step */

static void call(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	st.hcalls++;
	if (queue_it)
		hcall_async(nr, a1, a2, a3);
	else
		hcall(nr, a1, a2, a3);
}

/* Housekeeping calls go the same way (so they stay in order) but are
 * not counted. */
static void fix(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	if (queue_it)
		hcall_async(nr, a1, a2, a3);
	else
		hcall(nr, a1, a2, a3);
}

/* ---- Descriptor tables ---- */

/* A descriptor: fully random, or a flat one with a bit or two flipped. */
static void rand_desc(uint32_t *lo, uint32_t *hi)
{
	static const uint32_t flat_hi[] = {
		0x00cf9a00, 0x00cf9200, 0x00cffa00,
		0x00cff200, 0x00009300, 0x00cfbb00
	};

	if (chance(2)) {
		*lo = rnd();
		*hi = rnd();
		return;
	}
	*lo = 0x0000ffff;
	*hi = flat_hi[below(6)];
	if (chance(2))
		*hi ^= 1u << below(32);
	if (chance(4))
		*lo ^= 1u << below(32);
}

static void step_gdt(void)
{
	uint32_t idx, lo, hi;

	do
		idx = below(GDT_ENTRIES);
	while (idx == GUEST_GDT_KERNEL_CS || idx == GUEST_GDT_KERNEL_DS);
	rand_desc(&lo, &hi);
	call(LHCALL_LOAD_GDT_ENTRY, idx, lo, hi);
}

static void step_tls(void)
{
	uint32_t gpa;

	if (chance(2)) {
		for (int i = 0; i < 6; i += 2)
			rand_desc(&tls_buf[i], &tls_buf[i + 1]);
		gpa = __pa(tls_buf);
	} else {
		gpa = below(ram_pages * PAGE_SIZE - 24); /* any RAM will do */
	}
	call(LHCALL_LOAD_TLS, gpa, below(4), 0);
}

static bool gate_in_use(uint32_t v)
{
	return v <= 19 ? v != 2 && v != 8 && v != 15 && v != 18
		       : (v >= IRQ_BASE && v < IRQ_BASE + NR_IRQS) ||
				 v == SYSCALL_VECTOR;
}

/* What idt_init() gave vector v. */
static void gate_restore(uint32_t v)
{
	uint32_t h = v == SYSCALL_VECTOR ? trap_stub_syscall[0] : trap_stubs[v];
	unsigned dpl = (v == 3 || v == 4 || v == SYSCALL_VECTOR) ? 3 : 0;
	unsigned type =
		v == SYSCALL_VECTOR ? syscall_gate_type : GATE_INTERRUPT;

	fix(LHCALL_LOAD_IDT_ENTRY, v, gate_lo(GUEST_KERNEL_CS, h),
	    gate_hi(h, dpl, type));
}

static bool ignored_vector(uint32_t v)
{
	return v == 2 || v == 8 || v == 15 || v == LGUEST_TRAP_ENTRY;
}

static void step_idt(void)
{
	uint32_t v = chance(2) ? below(48) : below(256);
	uint32_t lo = rnd(), hi = rnd(), flags;

	if (chance(8))
		v = SYSCALL_VECTOR;
	/* A present gate must be an interrupt or trap gate (ABI 8.1), but
	 * the four vectors the hypervisor ignores may hold anything. */
	if ((hi & 0x8000) && !ignored_vector(v))
		hi = (hi & ~0x0f00u) | ((chance(2) ? 0xe : 0xf) << 8);
	flags = irq_save();
	call(LHCALL_LOAD_IDT_ENTRY, v, lo, hi);
	if (gate_in_use(v))
		gate_restore(v);
	irq_restore(flags);
}

/* ---- Stack, TS, the clock ---- */

static void stack_restore(void)
{
	fix(LHCALL_SET_STACK, GUEST_KERNEL_DS,
	    (uint32_t)stack_area + sizeof(stack_area), 2);
}

static void step_stack(void)
{
	uint32_t ss = (rnd() & ~3u) | 1, pages = below(3);
	uint32_t top =
		(uint32_t)stack_area + 2 * PAGE_SIZE + 1 + below(PAGE_SIZE);

	call(LHCALL_SET_STACK, ss, pages ? top : rnd(), pages);
}

static void step_clock(void)
{
	uint32_t ns = chance(4) ? 0 : rnd();

	if (ns && ns < 100000)
		ns += 100000; /* not a storm of ticks */
	call(LHCALL_SET_CLOCKEVENT, ns, 0, 0);
}

/*
 * Something must wake us, and it must not come before we sleep: with
 * interrupts on, the tick could be delivered between the two calls and
 * HALT would wait for ever.  HALT wakes on a pending interrupt whatever
 * our virtual IF says, and turns it on (ABI 8.7).
 */
static void step_halt(void)
{
	queue_it = false;
	irq_disable();
	fix(LHCALL_SET_CLOCKEVENT, 50000, 0, 0);
	call(LHCALL_HALT, 0, 0, 0);
	irq_enable();
}

/* ---- Page tables ---- */

static uint32_t *table_of(uint32_t pde)
{
	uint32_t frame = pde & PTE_FRAME;

	for (int i = 0; i < NPTS; i++)
		if (__pa(pts[i]) == frame)
			return pts[i];
	return __pa(window_pt) == frame ? window_pt : NULL;
}

/* A page-table entry: absent, a RAM frame, a device-window frame, or
 * (bad) a large-page bit or a frame beyond everything. */
static uint32_t rand_pte(bool *bad)
{
	uint32_t flags = rnd() & 0xe7f & ~PTE_PS, frame;

	*bad = false;
	switch (below(8)) {
	case 0:
		return rnd() & ~PTE_P;
	case 1:
		frame = ram_pages + below(MMIO_GUESS_PAGES);
		break;
	case 2:
		*bad = true;
		frame = ram_pages + 4096 + below(0xfffff - ram_pages - 4096);
		break;
	case 3:
		*bad = true;
		flags |= PTE_PS;
		frame = below(ram_pages);
		break;
	default:
		frame = below(ram_pages);
		break;
	}
	return (frame << PAGE_SHIFT) | flags | PTE_P;
}

static uint32_t rand_pgdir_gpa(void)
{
	switch (below(4)) {
	case 0:
		return __pa(swapper_pgdir);
	case 1:
		return rnd();
	default:
		return __pa(dirs[below(NDIRS)]);
	}
}

static uint32_t rand_va(void)
{
	if (chance(2))
		return window_va + below(PGDIR_SIZE);
	return (USER_PDE_FIRST << PGDIR_SHIFT) + below(USER_PDES * PGDIR_SIZE);
}

/*
 * Would installing pte kill us (ABI 9.5)?  Only a present entry with A or
 * D set is looked at, and only where a shadow page table exists, which we
 * cannot see: so such an entry is risky.
 */
static bool pte_risky(uint32_t pte, bool bad)
{
	return bad && (pte & PTE_P) && (pte & (PTE_A | PTE_D));
}

static void step_set_pte(bool risky_ok, uint32_t step)
{
	bool bad;
	uint32_t pte = rand_pte(&bad), va = rand_va(), pgdir = rand_pgdir_gpa();
	uint32_t *table = va >= window_va ? window_pt : pts[below(NPTS)];

	if (pte_risky(pte, bad) && !risky_ok) {
		pte &= ~(PTE_A | PTE_D); /* defused: never validated */
		st.defused++;
	}
	if (chance(2))
		table[PTX(va)] = pte; /* what the guest would have written */
	if (pte_risky(pte, bad)) {
		queue_it = false;
		arm(step);
		call(LHCALL_SET_PTE, pgdir, va, pte);
		disarm(step);
		return;
	}
	call(LHCALL_SET_PTE, pgdir, va, pte);
}

static void step_set_pgd(void)
{
	call(LHCALL_SET_PGD, rand_pgdir_gpa(), below(1024), 0);
}

static void step_flush(void)
{
	call(LHCALL_FLUSH_TLB, chance(4) ? rnd() : 0, 0, 0);
}

/* A directory's kernel half is always the kernel's own. */
static void dir_refresh(uint32_t *d)
{
	memcpy(d + 768, swapper_pgdir + 768, 256 * 4);
}

static void step_new_pgtable(void)
{
	uint32_t *d = chance(3) ? swapper_pgdir : dirs[below(NDIRS)];

	if (d != swapper_pgdir)
		dir_refresh(d);
	cur_dir = d;
	call(LHCALL_NEW_PGTABLE, __pa(d), 0, 0);
}

/* Change one of our own directory entries, telling the hypervisor or not
 * (Linux too writes some entries without a word, ABI 9.5). */
static void step_edit_pde(void)
{
	uint32_t *d = dirs[below(NDIRS)];
	uint32_t idx = USER_PDE_FIRST + below(USER_PDES), pde;

	switch (below(4)) {
	case 0:
		pde = 0;
		break;
	case 1:
		pde = rnd(); /* likely bad: only a read through it can tell */
		break;
	default:
		pde = __pa(pts[below(NPTS)]) | PTE_P | (rnd() & 0x66);
		break;
	}
	d[idx] = pde;
	if (!chance(4))
		call(LHCALL_SET_PGD, __pa(d), idx, 0);
}

enum probe { PROBE_SAFE, PROBE_MMIO, PROBE_RISKY };

/*
 * What reading va will do (ABI 9.4), from our own tables: a fault we
 * recover from, a read of RAM, a device register (which we leave alone:
 * reading one has side effects), or a kill.  Anything we cannot know,
 * such as a directory entry pointing at a table that is not ours, is
 * risky.  A shadow entry installed earlier by SET_PTE may serve the read
 * instead, but it was checked when it was installed.
 */
static enum probe probe_model(uint32_t va)
{
	uint32_t pde = cur_dir[PDX(va)], pte, *t;

	if (!(pde & PTE_P))
		return PROBE_SAFE;
	if ((pde & ~PTE_FRAME & ~(PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)) ||
	    (pde >> PAGE_SHIFT) >= ram_pages)
		return PROBE_RISKY;
	t = table_of(pde);
	if (!t)
		return PROBE_RISKY;
	pte = t[PTX(va)];
	if (!(pte & PTE_P))
		return PROBE_SAFE;
	if (pte & PTE_PS)
		return PROBE_RISKY;
	if ((pte >> PAGE_SHIFT) < ram_pages)
		return PROBE_SAFE;
	if ((pte >> PAGE_SHIFT) < ram_pages + MMIO_GUESS_PAGES)
		return PROBE_MMIO;
	return PROBE_RISKY;
}

static void probe(uint32_t va)
{
	uint8_t v = 0;

	st.probes++;
	fixup_vector = -1;
	asm volatile("1: movb (%1), %0\n\t"
		     "2:\n\t" FIXUP("1b", "2b")
		     : "+q"(v)
		     : "r"(va)
		     : "memory");
}

static void step_probe(bool risky_ok, uint32_t step)
{
	uint32_t va = rand_va();
	enum probe p;

	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0); /* cur_dir is the current one */
	p = probe_model(va);
	if (p == PROBE_MMIO || (p == PROBE_RISKY && !risky_ok)) {
		if (p == PROBE_RISKY)
			st.defused++;
		return;
	}
	if (p == PROBE_RISKY) {
		arm(step);
		probe(va);
		disarm(step);
		return;
	}
	probe(va);
}

/* ---- Risky steps: each will or may kill us ---- */

/* Slot 12 or 13 (our own code and data) random, then put back, with
 * nothing in between that could use them. */
static void gdt_flip(void)
{
	uint32_t idx = chance(2) ? GUEST_GDT_KERNEL_CS : GUEST_GDT_KERNEL_DS;
	uint32_t lo, hi, nr = LHCALL_LOAD_GDT_ENTRY;
	uint32_t olo = 0x0000ffff,
		 ohi = idx == GUEST_GDT_KERNEL_CS ? 0x00cfbb00 : 0x00cfb300;
	uint32_t flags = irq_save();

	rand_desc(&lo, &hi);
	st.hcalls++;
	asm volatile("int $0x1f\n\t"
		     "movl %[nr], %%eax\n\t"
		     "movl %%esi, %%ecx\n\t"
		     "movl %%edi, %%edx\n\t"
		     "int $0x1f"
		     : "+a"(nr), "+c"(lo), "+d"(hi)
		     : "b"(idx), "S"(olo),
		       "D"(ohi), [nr] "i"(LHCALL_LOAD_GDT_ENTRY)
		     : "memory");
	irq_restore(flags);
}

static void step_risky(uint32_t step)
{
	static const uint32_t unassigned[] = { 3, 11, 12, 13, 17 };
	uint32_t kind = below(12), nr, va;
	bool bad;

	queue_it = kind == 11;
	arm(step);
	switch (kind) {
	case 0: /* a number the ABI does not define */
		nr = chance(2) ? unassigned[below(5)] : LHCALL_NR + below(300);
		if (chance(4))
			nr = rnd() | 0x100;
		call(nr, rnd(), rnd(), rnd());
		break;
	case 1:
		call(LHCALL_LGUEST_INIT, rnd(), 0, 0);
		break;
	case 2:
		call(LHCALL_LOAD_IDT_ENTRY, 256 + below(0x7fffffff), rnd(),
		     rnd());
		break;
	case 3: /* a present gate that is neither interrupt nor trap gate */
		call(LHCALL_LOAD_IDT_ENTRY, 0x30 + below(0x40), rnd(),
		     (rnd() & ~0x0f00u) | 0x8000u | (below(14) << 8));
		break;
	case 4:
		call(LHCALL_LOAD_GDT_ENTRY, GDT_ENTRIES + below(10000), rnd(),
		     rnd());
		break;
	case 5:
		gdt_flip();
		break;
	case 6:
		call(LHCALL_LOAD_TLS,
		     ram_pages * PAGE_SIZE - below(24) +
			     (chance(2) ? below(1u << 30) : 0),
		     0, 0);
		break;
	case 7: /* a ring-1 stack that is not one */
		switch (below(3)) {
		case 0:
			call(LHCALL_SET_STACK, rnd() & ~1u, rnd(), 1);
			break;
		case 1:
			call(LHCALL_SET_STACK, GUEST_KERNEL_DS, rnd(),
			     3 + below(100));
			break;
		default:
			call(LHCALL_SET_STACK, GUEST_KERNEL_DS, rnd(),
			     1 + below(2));
			break;
		}
		stack_restore();
		break;
	case 8:
		call(LHCALL_SET_PTE, rand_pgdir_gpa(),
		     0u - lguest_data.reserve_mem +
			     below(lguest_data.reserve_mem),
		     rnd());
		break;
	case 9:
		call(LHCALL_SET_PGD, rand_pgdir_gpa(), 1024 + below(100000), 0);
		break;
	case 10: /* a directory at a random address: likely nonsense */
		call(LHCALL_NEW_PGTABLE,
		     chance(2) ? rnd() : below(ram_pages) << PAGE_SHIFT, 0, 0);
		fix(LHCALL_NEW_PGTABLE, __pa(cur_dir), 0, 0);
		break;
	default: /* a bad PTE through the ring, where a shadow exists */
		va = window_va + below(PGDIR_SIZE);
		window_pt[PTX(va)] = (below(ram_pages) << PAGE_SHIFT) | PTE_P;
		probe(va);
		do
			nr = rand_pte(&bad);
		while (!bad);
		call(LHCALL_SET_PTE, __pa(cur_dir), va, nr | PTE_A);
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
		break;
	}
	queue_it = false;
	disarm(step);
}

/* ---- One step ---- */

static void step(uint32_t n)
{
	uint32_t pick;
	bool risky_ok;

	rng_step(n);
	pick = below(1000);
	/* A risky variant of a safe step now and then; the risky steps
	 * proper whenever the budget allows. */
	risky_ok = budget_allows() && chance(8);
	queue_it = chance(4);
	if (trace)
		printf("guest: fuzz: step %u pick %u%s%s\n", n, pick,
		       risky_ok ? " risky-ok" : "", queue_it ? " queued" : "");
	if (pick < 20) {
		if (budget_allows()) {
			step_risky(n);
			return;
		}
		st.defused++;
		pick = 20 + below(980);
	}
	if (pick < 40)
		call(chance(2) ? LHCALL_FLUSH_ASYNC : LHCALL_SEND_INTERRUPTS, 0,
		     0, 0);
	else if (pick < 140)
		step_gdt();
	else if (pick < 250)
		step_idt();
	else if (pick < 300)
		step_tls();
	else if (pick < 350)
		step_stack();
	else if (pick < 380)
		call(LHCALL_TS, chance(2) ? 0 : rnd(), 0, 0);
	else if (pick < 410)
		step_clock();
	else if (pick < 412)
		step_halt();
	else if (pick < 442)
		step_flush();
	else if (pick < 522)
		step_set_pgd();
	else if (pick < 672)
		step_set_pte(risky_ok, n);
	else if (pick < 742)
		step_new_pgtable();
	else if (pick < 842)
		step_probe(risky_ok, n);
	else if (pick < 902)
		step_edit_pde();
	else
		step_set_pte(risky_ok, n);
}

/* ---- Setting up, and the run ---- */

static void tick(struct trapframe *tf)
{
	(void)tf;
	ticks++;
}

static void tables_init(void)
{
	uint32_t region_pde;

	for (int i = 0; i < NDIRS; i++) {
		dirs[i] = page_alloc();
		dir_refresh(dirs[i]);
	}
	for (int i = 0; i < NPTS; i++)
		pts[i] = page_alloc();
	window_pt = page_alloc();
	/* Below the hypervisor region (reserve_mem: 4 MiB or 512 MiB, as the
	 * hypervisor's exits= design has it), which is never ours: lower
	 * when the region starts at our usual window. */
	region_pde = (0u - lguest_data.reserve_mem) >> PGDIR_SHIFT;
	for (window_pde = region_pde > WINDOW_PDE_FIRST ? WINDOW_PDE_FIRST
							: WINDOW_PDE_LOW;
	     window_pde < region_pde; window_pde++)
		if (!(swapper_pgdir[window_pde] & PTE_P))
			break;
	window_va = window_pde << PGDIR_SHIFT;
	/* Our window, in the kernel half: every directory shares it. */
	set_pde(swapper_pgdir, window_pde, __pa(window_pt) | PDE_KERNEL);
	for (int i = 0; i < NDIRS; i++)
		dir_refresh(dirs[i]);
	cur_dir = swapper_pgdir;
}

/* lguest_data.time is refreshed when an interrupt is delivered (ABI
 * 8.4), and we may have had none for a while: have one. */
static uint32_t now_sec(void)
{
	irq_disable();
	hcall(LHCALL_SET_CLOCKEVENT, 100000, 0, 0);
	hcall(LHCALL_HALT, 0, 0, 0);
	irq_enable();
	return (uint32_t)lguest_data.time_sec;
}

/* Sector 0 tells us whether we are starting or coming back. */
static void resume(uint32_t seed, uint32_t calls, uint32_t budget)
{
	struct fuzz_record r;

	if (!record_read(&r)) {
		printf("guest: fuzz: FAIL: cannot read the checkpoint\n");
		guest_poweroff("fuzz: no disk");
	}
	if (r.magic != FUZZ_MAGIC || r.seed != seed || r.calls != calls ||
	    r.budget != budget) {
		st = (struct fuzz_record){ .magic = FUZZ_MAGIC,
					   .seed = seed,
					   .calls = calls,
					   .budget = budget };
		st.start_sec = now_sec();
		printf("guest: fuzz: seed %u, %u calls, kill budget %u\n", seed,
		       calls, budget);
	} else if (r.armed) {
		st = r;
		st.armed = 0;
		printf("guest: fuzz: seed %u: killed by step %u as planned; "
		       "resuming at step %u, call %u (%u kills)\n",
		       seed, st.next - 1, st.next, st.hcalls, st.kills);
	} else {
		st = r;
		st.kills++;
		st.unexpected++;
		st.next = (r.next / CHUNK + 1) * CHUNK;
		printf("guest: fuzz: seed %u: UNEXPECTED kill between steps "
		       "%u and %u; skipping to step %u (%u kills)\n",
		       seed, r.next, st.next, st.next, st.kills);
	}
	st.boots++;
	record_write();
}

static void report(const char *how)
{
	uint32_t secs = now_sec() - st.start_sec;

	printf("guest: fuzz: %s: calls %u, kills %u (%u unexpected), risky "
	       "%u (%u survived), defused %u, probes %u, boots %u, seed %u, "
	       "%u s\n",
	       how, st.hcalls, st.kills, st.unexpected, st.risky, st.survived,
	       st.defused, st.probes, st.boots, st.seed, secs);
}

void fuzz_run(void)
{
	uint32_t seed = cmdline_number("seed=", 1);
	uint32_t calls = cmdline_number("calls=", 0);
	uint32_t budget = cmdline_number("kills=", DEFAULT_BUDGET);
	uint32_t report_every, n, surprise;

	if (!calls)
		calls = DEFAULT_CALLS;
	trace = cmdline_has("trace");
	surprise = cmdline_number("surprise=", 0);
	if (!blk_present()) {
		printf("guest: fuzz: FAIL: needs a disk for its checkpoint\n");
		guest_poweroff("fuzz: no disk");
	}
	ram_pages = boot_mm.ram_bytes >> PAGE_SHIFT;
	idt_init();
	trap_set_handler(IRQ_BASE, tick);
	WRITE_ONCE(lguest_data.blocked_interrupts,
		   lguest_data.blocked_interrupts & ~1u);
	irq_enable();
	tables_init();
	queue_it = false;
	stack_restore();
	resume(seed, calls, budget);
	report_every = calls / 10 ? calls / 10 : 1;
	for (n = st.next; st.hcalls < calls; n++) {
		uint32_t before = st.hcalls;

		if (n % CHUNK == 0) {
			st.next = n;
			record_write();
		}
		if (n == surprise && n)
			hcall(LHCALL_NR + 1, 0, 0, 0); /* a kill nobody armed */
		step(n);
		if (before / report_every != st.hcalls / report_every)
			report("progress");
	}
	/* Back to a state we know, then off. */
	queue_it = false;
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	hcall(LHCALL_NEW_PGTABLE, __pa(swapper_pgdir), 0, 0);
	hcall(LHCALL_TS, 0, 0, 0);
	hcall(LHCALL_SET_CLOCKEVENT, 0, 0, 0);
	idt_init();
	st.next = n;
	st.done = 1;
	record_write();
	report("done");
	guest_poweroff("fuzz complete");
}
