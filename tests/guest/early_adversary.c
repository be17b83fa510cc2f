/*
 * early_adversary.c - [Testguest 0] the two cases that must break a rule
 * before LGUEST_INIT, the first hypercall of every guest (ABI 3):
 *
 *   test=init-wild         LGUEST_INIT with lguest_data far outside our
 *                          RAM;
 *   test=call-before-init  any other hypercall first.
 *
 * The hypervisor must kill us for either, so we cannot print: only its
 * side of the log shows the result.  If it lets us through, start.S goes
 * on to boot the kernel, and adversary.c says "NOT refused".
 *
 * This runs before the kernel's early.c, at physical addresses, and
 * under the same rules (early.c explains them): every address of ours is
 * made physical by hand with PHYS(), nothing outside this file may be
 * called, and there is no switch statement.  The command line is the
 * hypervisor's copy (ABI 2.4), at a physical address, which in linear
 * mode is also its virtual one.
 */
#include <asm/bootparam.h>
#include <stdbool.h>
#include <stdint.h>

#include "paravirt-guest/hcall.h"
#include "paravirt-guest/mmu.h"

/* Pointers and arrays alike: &p[0] has the element pointer type. */
#define PHYS(p) ((__typeof__(&(p)[0]))((uint32_t)(p)-PAGE_OFFSET))

void early_adversary(const struct boot_params *bp);

/* Is "word" one of the space-separated words of "line"? */
static bool has_word(const char *line, const char *word)
{
	for (const char *w = line; *w; w++) {
		const char *a = w, *b = word;

		if (w != line && w[-1] != ' ')
			continue;
		while (*b && *a == *b) {
			a++;
			b++;
		}
		if (!*b && (*a == ' ' || *a == '\0'))
			return true;
	}
	return false;
}

void early_adversary(const struct boot_params *bp)
{
	const char *line = (const char *)bp->hdr.cmd_line_ptr;

	if (!line)
		return;
	if (has_word(line, PHYS("test=init-wild")))
		hcall(LHCALL_LGUEST_INIT, 0xf0000000, 0, 0);
	if (has_word(line, PHYS("test=call-before-init")))
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
}
