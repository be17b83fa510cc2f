/*
 * shadow.c - [Paging 1] shadow page tables (see shadow.h; ABI section 9).
 *
 * The guest keeps ordinary two-level page tables in its own memory and
 * tells us, by hypercall, which directory is current and which entries
 * changed.  We never trust them.  The CPU walks our shadow tables instead:
 * each shadow PTE is built on the first fault at its page, from the
 * guest's entry, after checking that its frame is inside the guest's RAM.
 * A shadow PTE is writable only once the guest's entry is dirty, so the
 * first write to a clean page faults and we set the dirty bit for it, the
 * way the hardware would have.
 *
 * We keep SHADOW_DIRS shadow directories, each tagged with the guest
 * directory it shadows, so that switching between a few processes does
 * not throw away their mappings.  Mappings above kernel_address are the
 * same in every guest directory, so they are shared knowledge: updates to
 * them go to every cached shadow.  The top PDEs of every shadow are the
 * hypervisor's (the Switcher, or with exits=resident all of the top
 * 512 MiB), and no guest entry can ever replace them.
 */
#include "hv/mm/shadow.h"
#include "hv/guest/guest.h"
#include "hv/include/layout.h"
#include "hv/lib/printk.h"
#include "hv/mm/paging.h"
#include "hv/mm/pmem_hv.h"
#include "hv/mm/ptwalk.h"
#include "switcher/switcher.h"

#define SHADOW_DIRS 4
#define NO_TAG 0xFFFFFFFFu
#define LINEAR_PDE (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D) /* 0x67 */

struct shadow_dir {
	uint32_t tag;	 /* GPA of the guest directory, or NO_TAG */
	uint32_t *pgdir; /* NULL until first used */
};

struct shadow {
	bool linear; /* before the first NEW_PGTABLE (section 2.6) */
	struct shadow_dir dir[SHADOW_DIRS];
	unsigned cur;
	unsigned next_victim;
};

static uint32_t pages_in_use;

uint32_t shadow_pages_in_use(void)
{
	return pages_in_use;
}

/* ---- Shadow pages ---- */

static uint32_t *alloc_table(void)
{
	uint32_t *p = page_alloc();

	if (p)
		pages_in_use++;
	return p;
}

static void free_table(uint32_t *p)
{
	page_free(p);
	pages_in_use--;
}

/* The machine address of the frame a guest entry names (already checked
 * to be inside the guest's RAM). */
static uint32_t machine_frame(const struct guest *g, uint32_t entry)
{
	return virt_to_phys(g->mem) + (entry & PTE_FRAME);
}

static uint32_t *table_of(uint32_t pde)
{
	return phys_to_virt(pde & PTE_FRAME);
}

/* The first PDE that is the hypervisor's, not the guest's. */
static unsigned region_pdx(void)
{
	return PDX(GUEST_H);
}

/*
 * Keeping the TLB honest.  With exits=switch every guest entry
 * loads the guest's CR3, which flushes whatever we changed.  With
 * exits=resident the hypervisor runs on the guest's own shadow directory
 * and enters it again without a CR3 load, so a change to the directory
 * that is loaded must be flushed by hand: one page with invlpg, more by
 * reloading CR3 (our own mappings are global and survive that).  A
 * directory that is not loaded needs nothing: loading it flushes.
 *
 * The reload waits for the guest's next entry (shadow_sync_tlb()), so
 * that the dozens of SET_PGDs of one exit's async batch, when Linux tears
 * down a process, cost one flush.  The tables dropped from the loaded
 * directory wait with it: the CPU's paging-structure caches may still
 * point at them, and may walk them speculatively, so they go back to the
 * allocator (and to whoever it gives them next) only after the flush.
 */
#define DEFERRED_MAX 64
/* Per processor: each has its own TLB, and its own loaded directory. */
struct tlb_debt {
	uint32_t *deferred[DEFERRED_MAX]; /* tables freed after the flush */
	unsigned nr_deferred;
	bool flush_pending;
};
static struct tlb_debt debts[MAX_CPUS];

static bool loaded(const uint32_t *pgdir)
{
	return hv_resident && read_cr3() == virt_to_phys(pgdir);
}

/* Load cr3 (flushing every non-global translation), then free what
 * waited for that. */
static void flush_and_free(uint32_t cr3)
{
	struct tlb_debt *d = &debts[cpu_index()];

	write_cr3(cr3);
	d->flush_pending = false;
	while (d->nr_deferred)
		free_table(d->deferred[--d->nr_deferred]);
}

void shadow_sync_tlb(const struct guest *g)
{
	uint32_t *pgdir = g->shadow->dir[g->shadow->cur].pgdir;

	/* With exits=switch the directory maps the Switcher pages of the
	 * processor it is about to be loaded on, and no other's (a guest
	 * may have run elsewhere last time; the CR3 load flushes). */
	if (!hv_resident) {
		pgdir[SWITCHER_PDX] = switcher_guest_pde(cpu_index());
		return;
	}
	/* Loading g's CR3 now flushes, whichever directory was loaded; then
	 * switcher_enter() finds it loaded already. */
	if (debts[cpu_index()].flush_pending)
		flush_and_free(shadow_cr3(g));
}

/* [Processors 8] The end of a slice: this processor lets go of the
 * guest's directory (exits=resident keeps it loaded between exits).  A
 * directory is loaded only by the processor that runs its guest's
 * slice, so any other may free it once the slice is over (a guest
 * restarted from the console monitor, one that moved). */
void shadow_leave(void)
{
	if (hv_resident && read_cr3() != paging_host_cr3())
		flush_and_free(paging_host_cr3());
}

/* A table of the loaded directory, dropped: freed after the flush. */
static void free_table_after_flush(uint32_t *pt)
{
	struct tlb_debt *d = &debts[cpu_index()];

	if (d->nr_deferred == DEFERRED_MAX)
		flush_and_free(read_cr3()); /* a full list: flush now */
	d->deferred[d->nr_deferred++] = pt;
	d->flush_pending = true;
}

static void flush_page(const uint32_t *pgdir, uint32_t va)
{
	if (loaded(pgdir))
		invlpg(va);
}

/* Drop shadow PDEs [from, to) and the page tables under them.  The
 * hypervisor region is above every range we are ever asked to drop. */
static void release_pdes(uint32_t *pgdir, unsigned from, unsigned to)
{
	bool live = loaded(pgdir);

	if (to > region_pdx())
		to = region_pdx();
	for (unsigned i = from; i < to; i++) {
		uint32_t pde = pgdir[i];

		pgdir[i] = 0;
		if (!(pde & PTE_P))
			continue;
		if (live)
			free_table_after_flush(table_of(pde));
		else
			free_table(table_of(pde));
	}
}

static uint32_t *new_dir(void)
{
	uint32_t *pgdir = alloc_table();

	if (!pgdir)
		return NULL;
	if (hv_resident)
		paging_copy_region(pgdir);
	else
		pgdir[SWITCHER_PDX] = switcher_guest_pde(cpu_index());
	return pgdir;
}

/* A directory about to be freed must not be the one the CPU uses, nor be
 * cached by it: off it first, which is also the flush the deferred
 * tables wait for. */
static void free_dir(uint32_t *pgdir)
{
	if (read_cr3() == virt_to_phys(pgdir))
		flush_and_free(paging_host_cr3());
	free_table(pgdir);
}

static unsigned user_pdes(const struct guest *g)
{
	return g->kernel_address >> PGDIR_SHIFT;
}

bool shadow_init(struct guest *g)
{
	/* The bookkeeping gets a page of its own (zeroed), reached from
	 * struct guest; the tables themselves come a page at a time. */
	struct shadow *s = page_alloc();

	_Static_assert(sizeof(struct shadow) <= PAGE_SIZE,
		       "the shadow bookkeeping must fit its one page");
	if (!s)
		return false;
	for (unsigned i = 0; i < SHADOW_DIRS; i++)
		s->dir[i].tag = NO_TAG;
	s->dir[0].pgdir = new_dir();
	if (!s->dir[0].pgdir) {
		page_free(s);
		return false;
	}
	s->linear = true;
	g->shadow = s;
	return true;
}

void shadow_destroy(struct guest *g)
{
	struct shadow *s = g->shadow;

	if (!s)
		return;
	for (unsigned i = 0; i < SHADOW_DIRS; i++) {
		if (!s->dir[i].pgdir)
			continue;
		release_pdes(s->dir[i].pgdir, 0, region_pdx());
		free_dir(s->dir[i].pgdir);
		s->dir[i].pgdir = NULL;
	}
	page_free(s);
	g->shadow = NULL;
}

uint32_t shadow_cr3(const struct guest *g)
{
	return virt_to_phys(g->shadow->dir[g->shadow->cur].pgdir);
}

void shadow_discard_all(struct guest *g)
{
	struct shadow *s = g->shadow;

	/* release_pdes() sees that the TLB forgets what it drops. */
	for (unsigned i = 0; i < SHADOW_DIRS; i++)
		if (s->dir[i].pgdir)
			release_pdes(s->dir[i].pgdir, 0, region_pdx());
}

/* The shadow PTE slot for va in pgdir, making its page table if asked. */
static uint32_t *pte_slot(uint32_t *pgdir, uint32_t va, bool create)
{
	uint32_t *pde = &pgdir[PDX(va)];

	if (!(*pde & PTE_P)) {
		uint32_t *pt;

		if (!create || !(pt = alloc_table()))
			return NULL;
		/* Permissions live in the PTEs, which combine both guest
		 * levels (ptwalk.c); the PDE only has to allow them. */
		*pde = virt_to_phys(pt) | PTE_P | PTE_RW | PTE_US;
	}
	return &table_of(*pde)[PTX(va)];
}

/* ---- Reading the guest's tables ---- */

enum walk_result { WALK_OK, WALK_FAULT, WALK_KILLED };

struct walk {
	uint32_t pde, pte;
	uint32_t pte_gpa; /* where the guest PTE lives; NO_TAG if fabricated */
	bool mmio;	  /* the frame is in the device window */
};

static enum walk_result walk(struct guest *g, uint32_t va, uint32_t err,
			     struct walk *w)
{
	struct shadow *s = g->shadow;
	uint32_t ram_pages = g->mem_size >> PAGE_SHIFT;
	uint32_t window_pages = g->mmio_end >> PAGE_SHIFT;
	uint32_t pgdir = s->dir[s->cur].tag;

	/*
	 * [Paging 2] Reading the guest's tables as the CPU would, trusting
	 * nothing: the hypervisor region is never the guest's, linear mode maps
	 * every page to itself, and each entry must pass the rules of ptwalk.c
	 * before it is believed.
	 */
	if (va >= GUEST_H)
		return WALK_FAULT; /* never the guest's (section 9.7) */
	if (s->linear) {
		/* Section 2.6: as if every page were mapped to itself. */
		if (va >= g->mmio_end) {
			guest_kill(g,
				   "bad page table entry: linear-mode "
				   "access to %#x, beyond its RAM",
				   va);
			return WALK_KILLED;
		}
		w->pde = LINEAR_PDE;
		w->pte = (va & PTE_FRAME) | PTE_P | PTE_RW | PTE_A | PTE_D;
		w->pte_gpa = NO_TAG;
		w->mmio = va >= g->mem_size;
		return guest_access_ok(w->pde, w->pte, err) ? WALK_OK
							    : WALK_FAULT;
	}
	if (!guest_read32(g, pgdir + PDX(va) * 4, &w->pde)) {
		guest_kill(g, "page directory at %#x is outside its RAM",
			   pgdir);
		return WALK_KILLED;
	}
	if (!(w->pde & PTE_P))
		return WALK_FAULT;
	if (!guest_pde_ok(w->pde, ram_pages)) {
		guest_kill(g, "bad page directory entry %#x for %#x", w->pde,
			   va);
		return WALK_KILLED;
	}
	w->pte_gpa = (w->pde & PTE_FRAME) + PTX(va) * 4;
	IGNORE_RESULT(guest_read32(g, w->pte_gpa, &w->pte),
		      "in RAM: guest_pde_ok() checked the table's frame");
	if (!guest_access_ok(w->pde, w->pte, err))
		return WALK_FAULT;
	switch (guest_pte_check(w->pte, ram_pages, window_pages)) {
	case PTE_OK:
		w->mmio = false;
		return WALK_OK;
	case PTE_IN_DEVICE_WINDOW:
		w->mmio = true;
		return WALK_OK;
	case PTE_BAD:
		break;
	}
	guest_kill(g, "bad page table entry %#x for %#x", w->pte, va);
	return WALK_KILLED;
}

/* Set accessed (and on a write, dirty) in the guest's PTE, as the CPU
 * would have when walking it; nothing to write back in linear mode. */
static void touch(struct guest *g, struct walk *w, uint32_t err)
{
	uint32_t pte = w->pte | PTE_A | ((err & PF_WRITE) ? PTE_D : 0);

	if (pte != w->pte && w->pte_gpa != NO_TAG)
		IGNORE_RESULT(guest_write32(g, w->pte_gpa, pte),
			      "the entry was just read from this address");
	w->pte = pte;
}

/*
 * The translation the CPU itself uses, from the current shadow, if it has
 * one: the common case when the hypervisor reads the instruction that just
 * trapped, or pushes a frame on the ring-1 stack (pinned, so always
 * shadowed).  A shadow entry is only built from a guest entry that
 * allowed the access, is writable only if the guest's is dirty, carries
 * the guest's accessed bit, and always names a frame of this guest's
 * RAM: so where it is accessed (and for a write, writable) the answer is
 * the walk's, with nothing to set in the guest's tables.
 */
static bool shadow_translate(struct guest *g, uint32_t gva, bool write,
			     uint32_t *gpa)
{
	const uint32_t *pgdir = g->shadow->dir[g->shadow->cur].pgdir;
	uint32_t pde = pgdir[PDX(gva)], pte, base = virt_to_phys(g->mem);

	if (gva >= GUEST_H || !(pde & PTE_P))
		return false;
	pte = table_of(pde)[PTX(gva)];
	if (!(pte & PTE_P) || !(pte & PTE_A) || (write && !(pte & PTE_RW)))
		return false; /* the walk sets what must be set */
	*gpa = (pte & PTE_FRAME) - base + (gva & ~PAGE_MASK);
	return *gpa < g->mem_size; /* always, by construction */
}

bool gva_to_gpa(struct guest *g, uint32_t gva, bool write, uint32_t *gpa)
{
	struct walk w;
	uint32_t err = write ? PF_WRITE : 0;

	if (shadow_translate(g, gva, write, gpa))
		return true;
	if (walk(g, gva, err, &w) != WALK_OK || w.mmio)
		return false;
	touch(g, &w, err);
	*gpa = (w.pte & PTE_FRAME) | (gva & ~PAGE_MASK);
	return true;
}

/* ---- Demand faulting (section 9.4) ---- */

static enum pf_result fix_fault(struct guest *g, uint32_t va, uint32_t err,
				uint32_t *mmio_gpa)
{
	struct shadow *s = g->shadow;
	struct walk w;
	uint32_t *slot;

	switch (walk(g, va, err, &w)) {
	case WALK_FAULT:
		return PF_REFLECT;
	case WALK_KILLED:
		return PF_KILLED;
	case WALK_OK:
		break;
	}
	/*
	 * [Paging 4] A frame in the device window is never mapped: the absent
	 * shadow entry is what makes every access to a device register fault,
	 * so that it can be emulated.
	 */
	if (w.mmio) {
		*mmio_gpa = (w.pte & PTE_FRAME) | (va & ~PAGE_MASK);
		return PF_MMIO;
	}
	touch(g, &w, err);
	slot = pte_slot(s->dir[s->cur].pgdir, va, true);
	if (!slot) {
		guest_kill(g, "out of memory for shadow page tables");
		return PF_KILLED;
	}
	*slot = shadow_pte_for(w.pde, w.pte, machine_frame(g, w.pte));
	return PF_FIXED;
}

enum pf_result shadow_page_fault(struct guest *g, uint32_t va, uint32_t err,
				 uint32_t *mmio_gpa)
{
	g->stats.page_faults++;
	return fix_fault(g, va, err, mmio_gpa);
}

/* ---- Stack pinning (section 9.6) ---- */

bool shadow_pin_stack(struct guest *g)
{
	uint32_t mmio;

	for (uint32_t i = 0; i < g->stack_pages; i++) {
		uint32_t va = g->esp1 - 1 - i * PAGE_SIZE;
		if (fix_fault(g, va, PF_WRITE, &mmio) != PF_FIXED)
			return false;
	}
	return true;
}

static void repin_stack(struct guest *g)
{
	if (g->stack_pages && guest_alive(g) && !shadow_pin_stack(g))
		guest_kill(g,
			   "bad stack page: the ring-1 stack at %#x is not "
			   "mapped writable",
			   g->esp1);
}

/* ---- The page-table hypercalls (sections 9.3, 9.5) ---- */

void shadow_new_pgtable(struct guest *g, uint32_t pgdir_gpa)
{
	struct shadow *s = g->shadow;
	struct shadow_dir *d;
	unsigned i;

	if (s->linear) {
		/* Leaving linear mode: nothing of it may survive. */
		release_pdes(s->dir[0].pgdir, 0, region_pdx());
		s->linear = false;
		s->dir[0].tag = pgdir_gpa;
		s->cur = 0;
		repin_stack(g);
		return;
	}
	/*
	 * [Paging 5] A process switch.  If one of our shadows already shadows
	 * this directory, switching costs nothing; otherwise another one is
	 * recycled, keeping its kernel half, which every directory shares.
	 */
	for (i = 0; i < SHADOW_DIRS; i++)
		if (s->dir[i].tag == pgdir_gpa) {
			s->cur = i;
			return;
		}
	/* A free slot if there is one, else the next in turn (never the
	 * current one: its mappings are the likeliest to be used again). */
	for (i = 0; i < SHADOW_DIRS && s->dir[i].pgdir; i++)
		;
	if (i == SHADOW_DIRS) {
		i = s->next_victim;
		if (i == s->cur)
			i = (i + 1) % SHADOW_DIRS;
		s->next_victim = (i + 1) % SHADOW_DIRS;
	}
	d = &s->dir[i];
	if (!d->pgdir) {
		d->pgdir = new_dir();
		if (!d->pgdir) {
			guest_kill(g, "out of memory for a shadow directory");
			return;
		}
	} else {
		/* The kernel part is the same in every guest directory:
		 * keep it; only the user part belonged to the old tag. */
		release_pdes(d->pgdir, 0, user_pdes(g));
	}
	d->tag = pgdir_gpa;
	s->cur = i;
	repin_stack(g);
}

void shadow_flush_tlb(struct guest *g, bool all)
{
	struct shadow *s = g->shadow;

	if (!all) {
		release_pdes(s->dir[s->cur].pgdir, 0, user_pdes(g));
		return;
	}
	shadow_discard_all(g);
	repin_stack(g);
}

/* Section 9.5: bring one shadow's entry for va in line with a new PTE. */
static void apply_pte(struct guest *g, struct shadow_dir *d, uint32_t va,
		      uint32_t pte)
{
	uint32_t *slot = pte_slot(d->pgdir, va, false);
	uint32_t pde;

	if (!slot)
		return; /* not shadowed yet: the next fault will read it */
	if (*slot)
		flush_page(d->pgdir, va);
	*slot = 0;
	/* An entry the guest has used (accessed or dirty) is installed now,
	 * saving a fault; others wait for one.  Non-present entries (swap
	 * or PROT_NONE encodings) are never interpreted. */
	if (!(pte & PTE_P) || !(pte & (PTE_A | PTE_D)))
		return;
	switch (guest_pte_check(pte, g->mem_size >> PAGE_SHIFT,
				g->mmio_end >> PAGE_SHIFT)) {
	case PTE_OK:
		/* The directory entry above it limits it too (RW, US), as it
		 * does on the fault path; if that entry is unusable, leave
		 * the slot empty and let a fault sort it out. */
		if (!guest_read32(g, d->tag + PDX(va) * 4, &pde) ||
		    !(pde & PTE_P) ||
		    !guest_pde_ok(pde, g->mem_size >> PAGE_SHIFT))
			return;
		*slot = shadow_pte_for(pde, pte, machine_frame(g, pte));
		return;
	case PTE_IN_DEVICE_WINDOW:
		return; /* stays unmapped: accesses trap to the emulator */
	case PTE_BAD:
		guest_kill(g, "bad page table entry %#x for %#x (SET_PTE)", pte,
			   va);
		return;
	}
}

void shadow_set_pte(struct guest *g, uint32_t pgdir_gpa, uint32_t va,
		    uint32_t pte)
{
	struct shadow *s = g->shadow;

	if (va >= GUEST_H) {
		guest_kill(g, "SET_PTE for %#x, inside the hypervisor region",
			   va);
		return;
	}
	if (s->linear)
		return; /* nothing is shadowed from guest tables yet */
	for (unsigned i = 0; i < SHADOW_DIRS && guest_alive(g); i++) {
		struct shadow_dir *d = &s->dir[i];

		if (!d->pgdir || d->tag == NO_TAG)
			continue;
		/*
		 * [Paging 6] A kernel mapping is the same in every directory,
		 * so it is updated in every shadow; a user mapping only in the
		 * shadow of the directory it belongs to.
		 */
		/* LAB shadow-bug: BEGIN SOLUTION */
		if (va >= g->kernel_address || d->tag == pgdir_gpa)
			apply_pte(g, d, va, pte);
		/* LAB shadow-bug: HANDOUT
		 * if (d->tag == pgdir_gpa)
		 *	apply_pte(g, d, va, pte);
		 */
		/* LAB shadow-bug: END */
	}
}

void shadow_set_pgd(struct guest *g, uint32_t pgdir_gpa, uint32_t idx)
{
	struct shadow *s = g->shadow;

	if (idx >= 1024) {
		guest_kill(g, "SET_PGD index %u out of range", idx);
		return;
	}
	if (s->linear || idx >= region_pdx())
		return; /* the hypervisor's PDE is not the guest's to touch */
	for (unsigned i = 0; i < SHADOW_DIRS; i++)
		if (s->dir[i].pgdir && s->dir[i].tag == pgdir_gpa)
			release_pdes(s->dir[i].pgdir, idx, idx + 1);
}
