/*
 * decode.h - decoding the guest instruction that faulted on a device
 * register (ABI §11.6).
 *
 * The device window is never mapped, so every MMIO access by the guest
 * page-faults.  The fault handler reads the bytes at the guest's CS:EIP
 * (linear CS.base + EIP), asks decode_mmio_insn() what the instruction
 * does, checks where its access starts (mmio_access_span()), performs the
 * access on the emulated device, applies the result with the helpers
 * below and advances EIP by len.  Everything here is pure: no globals,
 * no hardware, so it is unit-tested and fuzzed on the host.
 *
 * Only 32-bit code is understood (fetch_insn_bytes() refuses a 16-bit
 * code segment before it gets here), and only the moves a driver uses
 * for register access:
 *
 *   88 /r        mov r/m8, r8           8A /r        mov r8, r/m8
 *   89 /r        mov r/m16|32, r        8B /r        mov r, r/m16|32
 *   C6 /0 ib     mov r/m8, imm8         C7 /0 iw|id  mov r/m, imm16|32
 *   A0, A1       mov AL|eAX, moffs32    A2, A3       mov moffs32, AL|eAX
 *   0F B6, 0F B7 movzx r, r/m8|r/m16    0F BE, 0F BF movsx r, r/m8|r/m16
 *
 * with any ModRM/SIB/displacement form that names memory, an optional 0x66
 * operand-size prefix, an optional 0x67 address-size prefix (16-bit
 * addressing: its own ModRM forms, a 16-bit moffs, offsets wrapping at
 * 64 KiB) and an optional segment override, any of the six.  Anything else
 * is refused, and the caller re-injects the #PF: string moves (REP), LOCK
 * and repeated prefixes, which no compiler emits.
 *
 * The decoder reports the segment; it knows no bases.  The fault's CR2 is
 * already a linear address, the segment's base applied by the CPU; the
 * caller needs the operand's offset (and the base of the segment the
 * decoder names) only to find where the access starts, which for an
 * access crossing into a faulting page need not be CR2 (mmio.c).
 */
#ifndef HV_DECODE_H
#define HV_DECODE_H

#include "hv/include/x86.h"
#include "hv/lib/lib.h"

/* The architectural limit; decode_mmio_insn() never reads beyond it. */
#define DECODE_MAX_LEN 15

/* Why an instruction is refused.  decode_mmio_insn() reports the reason
 * as decode_strerror()'s text; the names let a test say which refusal it
 * expects.  None is 0, so a zeroed variable never names a reason. */
enum decode_error {
	DECODE_ETRUNC = 1, /* the bytes ran out mid-instruction */
	DECODE_EOPCODE,	   /* not one of the moves we emulate */
	DECODE_EPREFIX,	   /* LOCK, REP or a repeated prefix */
	DECODE_EREGOP,	   /* ModRM.mod == 3: a register, not memory */
	DECODE_EMODRM,	   /* C6/C7 with a reg field other than 0 */
};

/* Register numbers as x86 encodes them; MMIO_NOREG marks an absent base or
 * index.  In byte operands 4-7 mean AH, CH, DH, BH instead. */
enum mmio_reg {
	MMIO_EAX,
	MMIO_ECX,
	MMIO_EDX,
	MMIO_EBX,
	MMIO_ESP,
	MMIO_EBP,
	MMIO_ESI,
	MMIO_EDI,
	MMIO_NOREG = 0xff,
};

/* Segment registers in the order of their sreg encoding. */
enum mmio_seg {
	MMIO_ES,
	MMIO_CS,
	MMIO_SS,
	MMIO_DS,
	MMIO_FS,
	MMIO_GS,
};

/* Where a store's value comes from. */
enum mmio_src {
	MMIO_SRC_REG,
	MMIO_SRC_IMM,
};

/* How a load's value reaches a destination wider than the access. */
enum mmio_ext {
	MMIO_EXT_NONE, /* plain mov: dest_size == size */
	MMIO_EXT_ZERO, /* movzx */
	MMIO_EXT_SIGN, /* movsx */
};

/*
 * A decoded instruction.  For a load, reg receives the value, dest_size
 * bytes of it, extended as ext says: dest_size exceeds size only for
 * movzx/movsx (0x66 0F B7/BF extend a word into a word).  For a store,
 * the value comes from reg or imm as src says, and dest_size == size.
 * reg is always 0-7; with a 1-byte operand 4-7 are AH, CH, DH, BH.
 *
 * The memory operand is base + index * scale + disp in segment seg: the
 * override if there was one, else SS for an ESP or EBP base, else DS.
 * With addr16 (a 0x67 prefix) base and index are BX, BP, SI or DI, scale
 * is 1, and only the low 16 bits of the sum count.
 */
struct mmio_insn {
	uint8_t len;  /* bytes consumed: EIP advances by this */
	uint8_t size; /* width of the memory access: 1, 2 or 4 */
	bool is_write;
	enum mmio_src src;
	uint8_t reg;
	uint8_t dest_size;
	enum mmio_ext ext;
	uint32_t imm; /* MMIO_SRC_IMM stores: already of width size */

	uint8_t base;  /* 0-7, or MMIO_NOREG */
	uint8_t index; /* 0-7 except ESP, or MMIO_NOREG */
	uint8_t scale; /* 1, 2, 4 or 8; 1 when there is no index */
	int32_t disp;
	enum mmio_seg seg;
	bool seg_override;
	bool addr16; /* 16-bit addressing (0x67) */
};

/*
 * Decode the instruction at bytes[0..avail).  avail may be less than the
 * instruction (the caller could not read further, say, because the next
 * page is not mapped): that is refused as truncated.  At most
 * DECODE_MAX_LEN bytes are read, and none at or beyond avail.  Returns
 * true and fills *out (out->len is the instruction's length), or false,
 * leaving *out untouched, with decode_strerror()'s text for the reason in
 * err (truncated to errlen; err may be NULL when errlen is 0).
 */
bool __must_check decode_mmio_insn(const uint8_t *bytes, size_t avail,
				   struct mmio_insn *out, char *err,
				   size_t errlen);

/* A short description of a refusal, as decode_mmio_insn() reports it. */
const char *decode_strerror(enum decode_error why);

/*
 * The helpers below take the guest's general registers indexed by enum
 * mmio_reg (EAX first, EDI last), which is not the order a trap frame
 * saves them in: the caller translates.
 */

/* The operand's offset within its segment, wrapping at 4 GiB (64 KiB with
 * addr16) like the processor.  The segment base is not added: the caller
 * adds it to get the linear address (a flat segment's base is 0). */
uint32_t mmio_effective_address(const struct mmio_insn *insn,
				const uint32_t regs[8]);

/* How an access of insn->size bytes from linear address start stands
 * against a page fault at linear address cr2. */
enum mmio_span {
	MMIO_SPAN_OK,	       /* in one page, and covers cr2 */
	MMIO_SPAN_NOT_CR2,     /* does not cover cr2: not this fault */
	MMIO_SPAN_CROSSES_PAGE /* covers cr2, but crosses a page boundary */
};
enum mmio_span mmio_access_span(const struct mmio_insn *insn, uint32_t start,
				uint32_t cr2);

/* Put a load's result, the low insn->size bytes of value, into the
 * destination register: all 32 bits, only the low 16, only the low or
 * second byte (AH..BH), or extended as movzx/movsx say.  Bits not written
 * by the instruction keep their value.  Does nothing for a store. */
void mmio_complete_load(const struct mmio_insn *insn, uint32_t regs[8],
			uint32_t value);

/* The value a store writes, in its low insn->size bytes (the rest zero).
 * Returns 0 for a load. */
uint32_t mmio_store_value(const struct mmio_insn *insn, const uint32_t regs[8]);

#endif
