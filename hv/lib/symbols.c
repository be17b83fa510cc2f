/*
 * symbols.c - look up the generated symbol table (see symbols.h).
 * The table is {address, offset of name in the string block} pairs,
 * sorted by address, followed by the NUL-terminated names.
 */
#include "hv/lib/symbols.h"

struct hv_symbol {
	uint32_t addr, name;
};

/* Defined by the generated build/hvsyms.S (empty in the first link). */
extern const struct hv_symbol hv_symtab[];
extern const uint32_t hv_symtab_count;
extern const char hv_symstr[];
extern char __text_start[], __text_end[];

const char *symbol_lookup(uint32_t addr, uint32_t *offset)
{
	uint32_t lo = 0, hi = hv_symtab_count;

	if (!hi || addr < hv_symtab[0].addr)
		return 0;
	/* Largest entry with entry.addr <= addr. */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (hv_symtab[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - hv_symtab[lo].addr;
	return hv_symstr + hv_symtab[lo].name;
}
