/*
 * fuzz_decode.c - libFuzzer target for the MMIO instruction decoder.
 *
 * The bytes a guest leaves at its EIP are arbitrary, so the decoder must
 * hold its contract for any input: never read past what it was given
 * (ASan sees that, as the input sits alone in a heap block of its exact
 * size), never leave a half-written result, and only produce results the
 * fault handler can act on without further checks.  Built and run by
 * tests/fuzz.sh.
 *
 * FUZZ_SOURCES: hv/dev/decode.c hv/lib/string.c
 * FUZZ_SEEDS: 8b00 668b00 8a00 8902 668902 8802 8b442408 8b04fd00100000
 * FUZZ_SEEDS: 8b8424000100 66c7003412 c60001 a178563412 0fb602 0fbf1458
 * FUZZ_SEEDS: 64660fbe74dc40 8b0c24 8b0425785634
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/dev/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

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
	       a->seg_override == b->seg_override;
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
	return 0;
}
