/*
 * decode.c - the MMIO instruction decoder (see decode.h for the contract).
 *
 * The instruction bytes come from guest memory and are hostile: every byte
 * is fetched through a bounds-checked cursor, and the decoder works on a
 * local copy so a failed decode never leaves a half-filled result behind.
 * The lguest reference guessed the length from ModRM.mod alone, ignoring
 * SIB and mis-sizing [disp32] (ABI Appendix A item 5); here ModRM, SIB and
 * the displacement are decoded as the SDM (Vol. 2, section 2.1) describes.
 */
#include "hv/dev/decode.h"

/* Bounds-checked reading of the instruction bytes, and why decoding
 * stopped if it did: the helpers below return false after setting why. */
struct cursor {
	const uint8_t *bytes;
	size_t avail;
	size_t pos;
	enum decode_error why;
};

/* Refuse the instruction for the reason given. */
static bool refuse(struct cursor *c, enum decode_error why)
{
	c->why = why;
	return false;
}

/* Fetch n (1, 2 or 4) little-endian bytes; false (truncated) if they are
 * not all there, in which case nothing past avail was touched. */
static bool fetch(struct cursor *c, unsigned n, uint32_t *val)
{
	uint32_t v = 0;
	unsigned i;

	if (c->avail - c->pos < n)
		return refuse(c, DECODE_ETRUNC);
	for (i = 0; i < n; i++)
		v |= (uint32_t)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	*val = v;
	return true;
}

/* The prefixes we accept, up to the opcode byte (returned in *op).  The SDM
 * calls only one prefix per group useful and compilers never repeat one,
 * so a repeat is refused rather than guessed at; that also bounds the
 * loop, as there are only three kinds of prefix to accept. */
static bool decode_prefixes(struct cursor *c, struct mmio_insn *insn,
			    bool *opsize16, uint32_t *op)
{
	for (;;) {
		enum mmio_seg seg;

		if (!fetch(c, 1, op))
			return false;
		switch (*op) {
		case 0x66:
			if (*opsize16)
				return refuse(c, DECODE_EPREFIX);
			*opsize16 = true;
			continue;
		case 0x67: /* 16-bit addressing: another ModRM table */
			if (insn->addr16)
				return refuse(c, DECODE_EPREFIX);
			insn->addr16 = true;
			continue;
		case 0x26:
			seg = MMIO_ES;
			break;
		case 0x2e:
			seg = MMIO_CS;
			break;
		case 0x36:
			seg = MMIO_SS;
			break;
		case 0x3e:
			seg = MMIO_DS;
			break;
		case 0x64:
			seg = MMIO_FS;
			break;
		case 0x65:
			seg = MMIO_GS;
			break;
		case 0xf0: /* LOCK: no atomic device registers here */
		case 0xf2: /* REP: string moves are not emulated */
		case 0xf3:
			return refuse(c, DECODE_EPREFIX);
		default:
			return true;
		}
		if (insn->seg_override)
			return refuse(c, DECODE_EPREFIX);
		insn->seg_override = true;
		insn->seg = seg;
	}
}

/* Stack-based addressing defaults to SS (SDM Vol. 1, 3.7.4); the rest to
 * DS, unless a prefix said otherwise. */
static void default_segment(struct mmio_insn *insn)
{
	if (!insn->seg_override &&
	    (insn->base == MMIO_ESP || insn->base == MMIO_EBP))
		insn->seg = MMIO_SS;
}

/* The memory operand of 16-bit addressing (after a 0x67 prefix; SDM Vol. 2,
 * table 2-1): no SIB, r/m names one of eight base/index pairs, and mod 00
 * r/m 110 is a bare disp16.  Only the low 16 bits of the sum count
 * (mmio_effective_address), so the sign of a displacement does not
 * matter; a disp16 is kept as the processor reads it, sign-extended after
 * a base as objdump prints it, plain when it is the whole address. */
static bool decode_modrm16(struct cursor *c, struct mmio_insn *insn,
			   unsigned mod, unsigned rm)
{
	static const uint8_t base[8] = {
		MMIO_EBX, MMIO_EBX, MMIO_EBP, MMIO_EBP,
		MMIO_ESI, MMIO_EDI, MMIO_EBP, MMIO_EBX
	};
	static const uint8_t index[8] = { MMIO_ESI,   MMIO_EDI,	  MMIO_ESI,
					  MMIO_EDI,   MMIO_NOREG, MMIO_NOREG,
					  MMIO_NOREG, MMIO_NOREG };
	uint32_t disp = 0;

	insn->base = base[rm];
	insn->index = index[rm];
	insn->scale = 1;
	if (mod == 0 && rm == 6) {
		insn->base = MMIO_NOREG;
		if (!fetch(c, 2, &disp))
			return false;
	} else if (mod == 1) {
		if (!fetch(c, 1, &disp))
			return false;
		disp = (uint32_t)(int32_t)(int8_t)disp;
	} else if (mod == 2) {
		if (!fetch(c, 2, &disp))
			return false;
		disp = (uint32_t)(int32_t)(int16_t)disp;
	}
	insn->disp = (int32_t)disp;
	default_segment(insn);
	return true;
}

/* The memory operand from ModRM (and SIB and displacement after it).
 * *reg_field gets ModRM.reg, which the opcode gives its own meaning. */
static bool decode_modrm(struct cursor *c, struct mmio_insn *insn,
			 uint8_t *reg_field)
{
	uint32_t modrm, sib, disp = 0;
	unsigned mod, rm;

	if (!fetch(c, 1, &modrm))
		return false;
	mod = modrm >> 6;
	rm = modrm & 7;
	*reg_field = (modrm >> 3) & 7;
	if (mod == 3)
		return refuse(c, DECODE_EREGOP);
	if (insn->addr16)
		return decode_modrm16(c, insn, mod, rm);

	insn->base = rm;
	insn->index = MMIO_NOREG;
	insn->scale = 1;
	if (rm == 4) {
		/* r/m 100 means a SIB byte follows. */
		if (!fetch(c, 1, &sib))
			return false;
		insn->base = sib & 7;
		/* Index 100 means no index; the scale bits are then
		 * ignored, so report 1 rather than a meaningless value. */
		if (((sib >> 3) & 7) != 4) {
			insn->index = (sib >> 3) & 7;
			insn->scale = 1 << (sib >> 6);
		}
		/* Base 101 with mod 00 is not EBP but "no base, disp32". */
		if (insn->base == MMIO_EBP && mod == 0) {
			insn->base = MMIO_NOREG;
			mod = 2;
		}
	} else if (rm == 5 && mod == 0) {
		/* Likewise [EBP] with mod 00 is a bare disp32. */
		insn->base = MMIO_NOREG;
		mod = 2;
	}

	if (mod == 1) {
		if (!fetch(c, 1, &disp))
			return false;
		disp = (uint32_t)(int32_t)(int8_t)disp;
	} else if (mod == 2) {
		if (!fetch(c, 4, &disp))
			return false;
	}
	insn->disp = (int32_t)disp;
	default_segment(insn);
	return true;
}

/* A1/A3 and friends: the address is a bare offset, no ModRM: 32 bits, or
 * 16 after a 0x67 prefix. */
static bool decode_moffs(struct cursor *c, struct mmio_insn *insn)
{
	uint32_t offset;

	if (!fetch(c, insn->addr16 ? 2 : 4, &offset))
		return false;
	insn->base = MMIO_NOREG;
	insn->index = MMIO_NOREG;
	insn->scale = 1;
	insn->disp = (int32_t)offset;
	insn->reg = MMIO_EAX;
	return true;
}

/* The two-byte opcodes: movzx and movsx, always loads.  The low opcode bit
 * picks a byte or word source; bit 3 picks sign extension. */
static bool decode_0f(struct cursor *c, struct mmio_insn *insn, unsigned opsize)
{
	uint32_t op;

	if (!fetch(c, 1, &op))
		return false;
	if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
		return refuse(c, DECODE_EOPCODE);
	insn->size = (op & 1) ? 2 : 1;
	insn->dest_size = opsize;
	insn->ext = (op & 8) ? MMIO_EXT_SIGN : MMIO_EXT_ZERO;
	return decode_modrm(c, insn, &insn->reg);
}

/* The one-byte opcodes.  In each pair the low bit picks byte or full
 * width, as the SDM's opcode map lays them out. */
static bool decode_opcode(struct cursor *c, struct mmio_insn *insn, uint32_t op,
			  unsigned opsize)
{
	uint8_t reg_field;
	uint32_t imm;

	insn->size = (op & 1) ? opsize : 1;
	switch (op) {
	case 0x88: /* mov r/m, r */
	case 0x89:
		insn->is_write = true;
		/* fall through */
	case 0x8a: /* mov r, r/m */
	case 0x8b:
		return decode_modrm(c, insn, &insn->reg);
	case 0xc6: /* mov r/m, imm */
	case 0xc7:
		insn->is_write = true;
		insn->src = MMIO_SRC_IMM;
		if (!decode_modrm(c, insn, &reg_field))
			return false;
		/* reg 0 is mov; the others are undefined or XBEGIN-style
		 * register forms, none of which store an immediate. */
		if (reg_field != 0)
			return refuse(c, DECODE_EMODRM);
		if (!fetch(c, insn->size, &imm))
			return false;
		insn->imm = imm;
		return true;
	case 0xa2: /* mov moffs, AL/eAX */
	case 0xa3:
		insn->is_write = true;
		/* fall through */
	case 0xa0: /* mov AL/eAX, moffs */
	case 0xa1:
		return decode_moffs(c, insn);
	case 0x0f:
		return decode_0f(c, insn, opsize);
	default:
		return refuse(c, DECODE_EOPCODE);
	}
}

bool decode_mmio_insn(const uint8_t *bytes, size_t avail, struct mmio_insn *out,
		      char *err, size_t errlen)
{
	struct cursor c = { 0 };
	struct mmio_insn insn = { 0 };
	bool opsize16 = false;
	uint32_t op;

	c.bytes = bytes;
	c.avail = MIN(avail, (size_t)DECODE_MAX_LEN);
	insn.src = MMIO_SRC_REG;
	insn.ext = MMIO_EXT_NONE;
	insn.seg = MMIO_DS;
	if (!decode_prefixes(&c, &insn, &opsize16, &op) ||
	    !decode_opcode(&c, &insn, op, opsize16 ? 2 : 4)) {
		hv_strlcpy(err, decode_strerror(c.why), errlen);
		return false;
	}
	if (insn.ext == MMIO_EXT_NONE)
		insn.dest_size = insn.size;
	insn.len = (uint8_t)c.pos;
	*out = insn;
	return true;
}

const char *decode_strerror(enum decode_error why)
{
	switch (why) {
	case DECODE_ETRUNC:
		return "instruction truncated";
	case DECODE_EOPCODE:
		return "unsupported opcode";
	case DECODE_EPREFIX:
		return "unsupported or repeated prefix";
	case DECODE_EREGOP:
		return "register operand, not memory";
	case DECODE_EMODRM:
		return "invalid ModRM reg field";
	default:
		return "unknown decode error";
	}
}

uint32_t mmio_effective_address(const struct mmio_insn *insn,
				const uint32_t regs[8])
{
	/* Unsigned arithmetic wraps modulo 2^32, as the address adder does;
	 * 16-bit addressing wraps modulo 2^16 (SDM Vol. 1, 3.6). */
	uint32_t ea = (uint32_t)insn->disp;

	if (insn->base != MMIO_NOREG)
		ea += regs[insn->base & 7];
	if (insn->index != MMIO_NOREG)
		ea += regs[insn->index & 7] * insn->scale;
	return insn->addr16 ? (ea & 0xffff) : ea;
}

enum mmio_span mmio_access_span(const struct mmio_insn *insn, uint32_t start,
				uint32_t cr2)
{
	/* All modulo 2^32: an access may wrap past 4 GiB, as addresses do. */
	uint32_t last = start + insn->size - 1;

	if (cr2 - start >= insn->size)
		return MMIO_SPAN_NOT_CR2;
	if ((start & PAGE_MASK) != (last & PAGE_MASK))
		return MMIO_SPAN_CROSSES_PAGE;
	return MMIO_SPAN_OK;
}

/* Byte registers 4-7 are the second byte of registers 0-3 (AH is EAX's
 * bits 8-15): returns which register holds the byte, and *shift where. */
static unsigned byte_reg(uint8_t reg, unsigned *shift)
{
	*shift = (reg & 4) ? 8 : 0;
	return reg & 3;
}

/* Widen a size-byte value to 32 bits as movzx/movsx would. */
static uint32_t extend(uint32_t value, unsigned size, enum mmio_ext ext)
{
	if (size == 1)
		return ext == MMIO_EXT_SIGN ? (uint32_t)(int32_t)(int8_t)value
					    : (value & 0xff);
	if (size == 2)
		return ext == MMIO_EXT_SIGN ? (uint32_t)(int32_t)(int16_t)value
					    : (value & 0xffff);
	return value;
}

void mmio_complete_load(const struct mmio_insn *insn, uint32_t regs[8],
			uint32_t value)
{
	uint32_t *dst;
	unsigned shift;

	if (insn->is_write)
		return;
	value = extend(value, insn->size, insn->ext);
	switch (insn->dest_size) {
	case 1:
		dst = &regs[byte_reg(insn->reg, &shift)];
		*dst = (*dst & ~(0xffu << shift)) | ((value & 0xff) << shift);
		break;
	case 2:
		dst = &regs[insn->reg & 7];
		*dst = (*dst & 0xffff0000u) | (value & 0xffff);
		break;
	default:
		regs[insn->reg & 7] = value;
		break;
	}
}

uint32_t mmio_store_value(const struct mmio_insn *insn, const uint32_t regs[8])
{
	uint32_t value;
	unsigned shift;

	if (!insn->is_write)
		return 0;
	if (insn->src == MMIO_SRC_IMM)
		return insn->imm;
	if (insn->size == 1) {
		value = regs[byte_reg(insn->reg, &shift)];
		return (value >> shift) & 0xff;
	}
	value = regs[insn->reg & 7];
	return insn->size == 2 ? (value & 0xffff) : value;
}
