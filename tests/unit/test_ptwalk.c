/*
 * test_ptwalk.c - the page-table rules of ABI section 9 (ptwalk.c): which
 * guest PDEs and PTEs are acceptable, which accesses the guest's tables
 * allow, and what a shadow PTE may grant.
 *
 * The flag values are spelled out as numbers from the ABI text rather
 * than taken from x86.h, so a wrong constant there cannot agree with
 * itself here.  Where a rule covers every combination of a few bits the
 * test walks all of them, because a mistake usually hides in the one
 * combination nobody wrote down.
 *
 * UNIT_SOURCES: hv/mm/ptwalk.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/mm/ptwalk.h"

#define F_P 0x001u
#define F_RW 0x002u
#define F_US 0x004u
#define F_PWT 0x008u
#define F_PCD 0x010u
#define F_A 0x020u
#define F_D 0x040u
#define F_BIT7 0x080u
#define F_G 0x100u
#define F_SOFT 0xE00u /* bits 9-11, free for the guest's own use */

#define W 0x2u /* #PF error code: write */
#define U 0x4u /* #PF error code: user */

#define RAM_PAGES 0x2000u	      /* 32 MiB of guest RAM */
#define WINDOW_END (RAM_PAGES + 257u) /* 1 MiB gap plus one page of BARs */

static uint32_t frame(uint32_t pfn)
{
	return pfn << 12;
}

/* Every subset of the five flags section 9.1 allows (0x67) is fine. */
static void pde_allowed_flags(void **state)
{
	static const uint32_t bits[] = { F_P, F_RW, F_US, F_A, F_D };

	for (unsigned m = 0; m < 32; m++) {
		uint32_t pde = frame(5);

		for (unsigned b = 0; b < 5; b++)
			if (m & (1u << b))
				pde |= bits[b];
		assert_true(guest_pde_ok(pde, RAM_PAGES));
	}
	/* What Linux actually writes. */
	assert_true(guest_pde_ok(frame(1) | 0x63, RAM_PAGES));
	assert_true(guest_pde_ok(frame(1) | 0x67, RAM_PAGES));
}

/* Any flag outside 0x67 kills: PWT, PCD, PS (a large page), G and the
 * software bits alike, alone or alongside good flags. */
static void pde_disallowed_flags(void **state)
{
	for (unsigned bit = 0; bit < 12; bit++) {
		uint32_t f = 1u << bit;

		if (f & 0x67)
			continue;
		assert_false(guest_pde_ok(frame(5) | f, RAM_PAGES));
		assert_false(guest_pde_ok(frame(5) | 0x67 | f, RAM_PAGES));
	}
	assert_false(guest_pde_ok(frame(5) | 0xFFF, RAM_PAGES));
}

static void pde_frame_bounds(void **state)
{
	assert_true(guest_pde_ok(frame(0) | 0x63, RAM_PAGES));
	assert_true(guest_pde_ok(frame(RAM_PAGES - 1) | 0x63, RAM_PAGES));
	assert_false(guest_pde_ok(frame(RAM_PAGES) | 0x63, RAM_PAGES));
	/* A page table in the device window is still not RAM. */
	assert_false(guest_pde_ok(frame(RAM_PAGES + 1) | 0x63, RAM_PAGES));
	assert_false(guest_pde_ok(0xFFFFF000u | 0x63, RAM_PAGES));
	/* No RAM at all: nothing is acceptable. */
	assert_false(guest_pde_ok(frame(0) | 0x63, 0));
}

/* Bit 7 is PAT in a PTE; the guest's CPUID hides PAT, so it is an error
 * wherever the frame lies. */
static void pte_bit7_is_bad(void **state)
{
	assert_int_equal(
		guest_pte_check(frame(3) | F_P | F_BIT7, RAM_PAGES, WINDOW_END),
		PTE_BAD);
	assert_int_equal(guest_pte_check(frame(RAM_PAGES) | F_P | F_BIT7,
					 RAM_PAGES, WINDOW_END),
			 PTE_BAD);
	assert_int_equal(guest_pte_check(0xFFF, RAM_PAGES, WINDOW_END),
			 PTE_BAD);
}

static void pte_frame_classes(void **state)
{
	static const struct {
		uint32_t pfn;
		enum pte_check want;
	} cases[] = {
		{ 0, PTE_OK },
		{ 1, PTE_OK },
		{ RAM_PAGES - 1, PTE_OK },
		{ RAM_PAGES, PTE_IN_DEVICE_WINDOW },
		{ RAM_PAGES + 256, PTE_IN_DEVICE_WINDOW },
		{ WINDOW_END - 1, PTE_IN_DEVICE_WINDOW },
		{ WINDOW_END, PTE_BAD },
		{ 0xFFBFF, PTE_BAD },
		{ 0xFFFFF, PTE_BAD }, /* the hypervisor region */
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t pte = frame(cases[i].pfn) | F_P | F_RW | F_A | F_D;

		assert_int_equal(guest_pte_check(pte, RAM_PAGES, WINDOW_END),
				 cases[i].want);
	}
}

/* The flags a PTE may carry (G, PWT, PCD, the software bits) do not
 * change where its frame is. */
static void pte_other_flags_harmless(void **state)
{
	uint32_t flags =
		F_P | F_RW | F_US | F_PWT | F_PCD | F_A | F_D | F_G | F_SOFT;

	assert_int_equal(
		guest_pte_check(frame(7) | flags, RAM_PAGES, WINDOW_END),
		PTE_OK);
	assert_int_equal(guest_pte_check(frame(RAM_PAGES + 2) | flags,
					 RAM_PAGES, WINDOW_END),
			 PTE_IN_DEVICE_WINDOW);
}

/* With no devices the window is empty: the first page past RAM is fatal,
 * not emulated. */
static void pte_empty_window(void **state)
{
	assert_int_equal(
		guest_pte_check(frame(RAM_PAGES) | F_P, RAM_PAGES, RAM_PAGES),
		PTE_BAD);
	assert_int_equal(guest_pte_check(frame(RAM_PAGES - 1) | F_P, RAM_PAGES,
					 RAM_PAGES),
			 PTE_OK);
}

/* Every combination of RW and US at both levels against every kind of
 * access: allowed exactly when each level allows it, as on hardware. */
static void access_both_levels(void **state)
{
	for (unsigned m = 0; m < 64; m++) {
		uint32_t pde = F_P | (m & 1 ? F_RW : 0) | (m & 2 ? F_US : 0);
		uint32_t pte = F_P | (m & 4 ? F_RW : 0) | (m & 8 ? F_US : 0);
		uint32_t err = (m & 16 ? W : 0) | (m & 32 ? U : 0);
		bool want = true;

		if ((err & W) && !((pde & F_RW) && (pte & F_RW)))
			want = false;
		if ((err & U) && !((pde & F_US) && (pte & F_US)))
			want = false;
		assert_int_equal(guest_access_ok(pde, pte, err), want);
		/* The "protection violation" bit of err changes nothing. */
		assert_int_equal(guest_access_ok(pde, pte, err | 1), want);
	}
}

static void access_not_present(void **state)
{
	uint32_t all = F_P | F_RW | F_US | F_A | F_D;

	assert_true(guest_access_ok(all, all, W | U));
	assert_false(guest_access_ok(all & ~F_P, all, 0));
	assert_false(guest_access_ok(all, all & ~F_P, 0));
	assert_false(guest_access_ok(0, 0, 0));
}

/* Each rule of section 9.2 checked over all 4096 low-bit patterns of the
 * guest PTE, under every interesting PDE. */
static void shadow_rules(void **state)
{
	static const uint32_t pdes[] = {
		0x63, 0x67, 0x61, 0x65, F_P, F_P | F_RW, F_P | F_US,
	};

	for (unsigned p = 0; p < ARRAY_SIZE(pdes); p++) {
		for (uint32_t low = 0; low < 0x1000; low++) {
			uint32_t pde = frame(9) | pdes[p];
			uint32_t pte = frame(0x1234) | low;
			uint32_t s = shadow_pte_for(pde, pte, 0x00ABC000u);
			bool rw = (low & F_RW) && (low & F_D) && (pde & F_RW);
			bool us = (low & F_US) && (pde & F_US);
			uint32_t copied = F_P | F_PWT | F_PCD | F_A | F_D;

			assert_int_equal(s & 0xFFFFF000u, 0x00ABC000u);
			assert_int_equal(s & F_G, 0);
			assert_int_equal(s & (F_BIT7 | F_SOFT), 0);
			assert_int_equal(!!(s & F_RW), rw);
			assert_int_equal(!!(s & F_US), us);
			assert_int_equal(s & copied, low & copied);
		}
	}
}

/* The machine address replaces the guest's frame entirely, and its own
 * low bits (an offset, say) never leak into the flags. */
static void shadow_frame_replaced(void **state)
{
	uint32_t pde = frame(1) | 0x67;
	uint32_t pte = 0xFFFFF000u | F_P | F_RW | F_A | F_D;

	assert_int_equal(shadow_pte_for(pde, pte, 0x12345FFFu),
			 0x12345000u | F_P | F_RW | F_A | F_D);
	assert_int_equal(shadow_pte_for(pde, pte, 0), F_P | F_RW | F_A | F_D);
	/* A clean writable page is mapped read-only, so the first write
	 * faults and the hypervisor can set D. */
	assert_int_equal(
		shadow_pte_for(pde, frame(3) | F_P | F_RW | F_A, frame(0x400)),
		frame(0x400) | F_P | F_A);
	/* What Linux writes for an ioremap or a kernel page with G. */
	assert_int_equal(
		shadow_pte_for(frame(1) | 0x63, frame(3) | 0x163, frame(0x500)),
		frame(0x500) | 0x63);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pde_allowed_flags),
		cmocka_unit_test(pde_disallowed_flags),
		cmocka_unit_test(pde_frame_bounds),
		cmocka_unit_test(pte_bit7_is_bad),
		cmocka_unit_test(pte_frame_classes),
		cmocka_unit_test(pte_other_flags_harmless),
		cmocka_unit_test(pte_empty_window),
		cmocka_unit_test(access_both_levels),
		cmocka_unit_test(access_not_present),
		cmocka_unit_test(shadow_rules),
		cmocka_unit_test(shadow_frame_replaced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
