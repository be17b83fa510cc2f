/*
 * fuzz_decode.c - libFuzzer target for the MMIO instruction decoder.
 *
 * The bytes a guest leaves at its EIP are arbitrary, so the decoder must
 * hold its contract for any input: never read past what it was given
 * (ASan sees that, as the input sits alone in a heap block of its exact
 * size), never leave a half-written result, and only produce results the
 * fault handler can act on without further checks.  The bytes after the
 * instruction pick the registers and the six segment bases, so the
 * linear address the fault handler computes (base + effective address,
 * wrapping at 4 GiB, the offset at 64 KiB with 0x67) and its verdict on
 * where the access stands against CR2 are checked too.  Built and run by
 * tests/fuzz.sh.
 *
 * FUZZ_SOURCES: hv/dev/decode.c hv/lib/string.c
 * FUZZ_SEEDS: 8b00 668b00 8a00 8902 668902 8802 8b442408 8b04fd00100000
 * FUZZ_SEEDS: 8b8424000100 66c7003412 c60001 a178563412 0fb602 0fbf1458
 * FUZZ_SEEDS: 64660fbe74dc40 8b0c24 8b0425785634
 * FUZZ_SEEDS: 268b03 2e8b03 368b03 3e8b03 648b03 658b03 658b4500
 * FUZZ_SEEDS: 678b00 678b4310 678b823080 678b063412 67a13412 64678b07
 * FUZZ_SEEDS: 3667668b10 67c70478563412 670fb605 67888844fe 676689893412
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/dev/decode.h"

#include "tests/fuzz/fuzz_stubs.h"

/* A refusal names one of the reasons decode.h lists, and nothing else. */
static bool known_reason(const char *err)
{
	for (int why = DECODE_ETRUNC; why <= DECODE_EMODRM; why++)
		if (strcmp(err, decode_strerror(why)) == 0)
			return true;
	return false;
}

static bool valid_reg(uint8_t r)
{
	return r < 8 || r == MMIO_NOREG;
}

/* The fields the fault handler relies on are all in range. */
static void check_result(const struct mmio_insn *in, size_t avail)
{
	check(in->len >= 1 && in->len <= avail && in->len <= DECODE_MAX_LEN);
	check(in->size == 1 || in->size == 2 || in->size == 4);
	check(in->dest_size == 1 || in->dest_size == 2 || in->dest_size == 4);
	check(in->reg < 8);
	check(valid_reg(in->base) && valid_reg(in->index));
	check(in->index != MMIO_ESP);
	check(in->scale == 1 || in->scale == 2 || in->scale == 4 ||
	      in->scale == 8);
	check(in->index != MMIO_NOREG || in->scale == 1);
	check(in->seg <= MMIO_GS);
	if (in->addr16) {
		/* BX, BP, SI, DI only, never scaled; a 16-bit displacement,
		 * sign-extended after a base or plain when alone. */
		check(in->base == MMIO_EBX || in->base == MMIO_EBP ||
		      in->base == MMIO_ESI || in->base == MMIO_EDI ||
		      in->base == MMIO_NOREG);
		check(in->index == MMIO_ESI || in->index == MMIO_EDI ||
		      in->index == MMIO_NOREG);
		check(in->scale == 1);
		check(in->disp >= -0x8000 && in->disp <= 0xffff);
	}
	check(in->ext <= MMIO_EXT_SIGN);
	check(in->src == MMIO_SRC_REG || in->src == MMIO_SRC_IMM);
	if (in->is_write) {
		check(in->ext == MMIO_EXT_NONE && in->dest_size == in->size);
		check(in->size == 4 || in->imm < (1u << (8 * in->size)));
	} else {
		check(in->src == MMIO_SRC_REG && in->imm == 0);
		/* 66 0F B7/BF extend a word to a word: equal sizes. */
		if (in->ext == MMIO_EXT_NONE)
			check(in->dest_size == in->size);
		else
			check(in->dest_size >= in->size);
	}
}

/* Field by field: the structure has padding, which memcmp would see. */
static bool same_insn(const struct mmio_insn *a, const struct mmio_insn *b)
{
	return a->len == b->len && a->size == b->size &&
	       a->is_write == b->is_write && a->src == b->src &&
	       a->reg == b->reg && a->dest_size == b->dest_size &&
	       a->ext == b->ext && a->imm == b->imm && a->base == b->base &&
	       a->index == b->index && a->scale == b->scale &&
	       a->disp == b->disp && a->seg == b->seg &&
	       a->seg_override == b->seg_override && a->addr16 == b->addr16;
}

/* Run the register-file helpers (for UBSan) and check that a load changes
 * only the bits its destination covers, and a store nothing at all. */
static void check_helpers(const struct mmio_insn *in, const uint8_t *data,
			  size_t size)
{
	uint32_t regs[8], before[8], loaded = 0, stored, mask;
	unsigned i, target;

	for (i = 0; i < 8; i++)
		regs[i] = 0x9e3779b9u * (i + 1);
	memcpy(before, regs, sizeof(regs));
	memcpy(&loaded, data, size < 4 ? size : 4);

	(void)mmio_effective_address(in, regs);
	stored = mmio_store_value(in, regs);
	check(in->size == 4 || stored < (1u << (8 * in->size)));
	check(in->is_write || stored == 0);
	mmio_complete_load(in, regs, loaded);

	target = in->reg;
	mask = 0;
	if (!in->is_write && in->dest_size == 1) {
		target = in->reg & 3;
		mask = (in->reg & 4) ? 0xff00 : 0xff;
	} else if (!in->is_write) {
		mask = in->dest_size == 2 ? 0xffff : 0xffffffff;
	}
	for (i = 0; i < 8; i++)
		check(((regs[i] ^ before[i]) & ~(i == target ? mask : 0)) == 0);
}

/* A small generator seeded from the bytes after the instruction, so the
 * fuzzer steers the registers and bases as it steers the instruction. */
static uint32_t next(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

/* The linear address the fault handler computes, against an independent
 * reckoning, and mmio_access_span()'s verdict against its definition. */
static void check_linear(const struct mmio_insn *in, const uint8_t *data,
			 size_t size)
{
	uint32_t st = 0x2545f491u, regs[8], base[6], ea, want, start, cr2;
	uint64_t sum;
	enum mmio_span span;
	bool covers, same_page;
	size_t i;

	for (i = in->len; i < size; i++)
		st = (st ^ data[i]) * 0x01000193u;
	if (st == 0)
		st = 1;
	for (i = 0; i < 8; i++)
		regs[i] = next(&st);
	for (i = 0; i < 6; i++)
		base[i] = next(&st);
	/* Now and then a flat segment. */
	if (next(&st) & 1)
		base[in->seg] = 0;

	ea = mmio_effective_address(in, regs);
	sum = (uint64_t)(uint32_t)in->disp;
	if (in->base != MMIO_NOREG)
		sum += regs[in->base];
	if (in->index != MMIO_NOREG)
		sum += (uint64_t)regs[in->index] * in->scale;
	want = in->addr16 ? (uint32_t)(sum & 0xffff) : (uint32_t)sum;
	check(ea == want);

	start = base[in->seg] + ea;
	/* Often an access at the end of a page, moved there by the base. */
	if ((next(&st) & 3) == 0) {
		uint32_t to = (start | ~PAGE_MASK) - (next(&st) & 3);

		base[in->seg] += to - start;
		start = base[in->seg] + ea;
	}
	/* CR2 somewhere near the access: before it, in it, after it... */
	cr2 = start + (next(&st) % 16) - 8;
	/* ...or at the start of its page, as QEMU reports a fault on the
	 * second page of an access that crosses into it. */
	if ((next(&st) & 3) == 0)
		cr2 &= PAGE_MASK;
	span = mmio_access_span(in, start, cr2);
	covers = cr2 - start < in->size;
	same_page = ((start ^ (start + in->size - 1)) & PAGE_MASK) == 0;
	check(span <= MMIO_SPAN_CROSSES_PAGE);
	check((span == MMIO_SPAN_NOT_CR2) == !covers);
	if (covers)
		check((span == MMIO_SPAN_OK) == same_page);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmio_insn in, again, before;
	uint8_t *copy;
	char err[64];

	memset(&in, 0x3c, sizeof(in));
	before = in;
	if (!decode_mmio_insn(data, size, &in, err, sizeof(err))) {
		check(known_reason(err));
		check(memcmp(&in, &before, sizeof(in)) == 0);
		return 0;
	}
	check_result(&in, size);

	/* The result depends on the instruction's own bytes only: decoding
	 * exactly len bytes, from a block that size, gives the same... */
	copy = malloc(in.len);
	check(copy != NULL);
	memcpy(copy, data, in.len);
	check(decode_mmio_insn(copy, in.len, &again, err, sizeof(err)));
	check(same_insn(&in, &again));
	/* ...and one byte fewer is "truncated", not something else. */
	check(!decode_mmio_insn(copy, in.len - 1u, &again, err, sizeof(err)));
	check(strcmp(err, decode_strerror(DECODE_ETRUNC)) == 0);
	free(copy);

	check_helpers(&in, data, size);
	check_linear(&in, data, size);
	return 0;
}
