/*
 * acpi_fadt.c - the FADT read into struct fadt_info (see acpi.h), apart
 * from acpi.c so that the unit tests and the fuzzer can feed it bytes.
 *
 * The FADT grew with every ACPI version: 1.0's is 116 bytes, later ones
 * add the reset register and the X_ fields (64-bit generic addresses
 * that, when not zero, take the place of the old 32-bit ones).  So each
 * field is read only if the table is long enough to hold it, and a
 * missing one keeps its "none".  Offsets: ACPI 6.4, table 5.9.
 */
#include "drivers/acpi.h"

#define FADT_MIN_LEN 72 /* up to PM1b_CNT_BLK: what power-off needs */

#define FADT_DSDT 40
#define FADT_SMI_CMD 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_PM_TMR_BLK 76
#define FADT_PM_TMR_LEN 91
#define FADT_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT 172
#define FADT_X_PM1B_CNT 184
#define FADT_X_PM_TMR 208

/* Does the table hold the `n` bytes at `off`? */
static bool has(size_t len, size_t off, size_t n)
{
	return len >= off + n;
}

void acpi_gas_read(const uint8_t *p, struct acpi_gas *g)
{
	g->space = p[0];
	g->bit_width = p[1];
	g->bit_offset = p[2];
	g->access_size = p[3];
	g->addr = le64_at(p + 4);
}

/* A PM1 control block: the X_ field if it is there and not zero, else
 * the 32-bit port number. */
static void get_pm1(const uint8_t *t, size_t len, size_t off, size_t x_off,
		    struct acpi_gas *g)
{
	hv_memset(g, 0, sizeof(*g));
	if (has(len, x_off, ACPI_GAS_LEN) && le64_at(t + x_off + 4) != 0) {
		acpi_gas_read(t + x_off, g);
		return;
	}
	g->space = ACPI_SPACE_IO;
	g->bit_width = 16;
	g->addr = le32_at(t + off);
}

/* The PM timer: only in I/O space (a memory-mapped one is allowed by the
 * spec but no PC has one), a port below 64 Ki. */
static void get_pm_timer(const uint8_t *t, size_t len, struct fadt_info *f)
{
	uint64_t port = 0;

	if (has(len, FADT_X_PM_TMR, ACPI_GAS_LEN) &&
	    t[FADT_X_PM_TMR] == ACPI_SPACE_IO)
		port = le64_at(t + FADT_X_PM_TMR + 4);
	if (port == 0 && has(len, FADT_PM_TMR_BLK, 4) &&
	    (!has(len, FADT_PM_TMR_LEN, 1) || t[FADT_PM_TMR_LEN] >= 4))
		port = le32_at(t + FADT_PM_TMR_BLK);
	if (port == 0 || port > 0xFFFC)
		return;
	f->pm_timer_port = (uint16_t)port;
	f->pm_timer_bits = (f->flags & FADT_FLAG_TMR_VAL_EXT) ? 32 : 24;
}

bool fadt_parse(const void *table, size_t len, struct fadt_info *out, char *err,
		size_t errlen)
{
	const uint8_t *t = table;
	struct fadt_info f;

	if (len < FADT_MIN_LEN) {
		hv_snprintf(err, errlen, "too short for a FADT (%u bytes)",
			    (unsigned)len);
		return false;
	}
	if (le32_at(t + 4) != len) {
		hv_snprintf(err, errlen, "its length field is not its size");
		return false;
	}
	hv_memset(&f, 0, sizeof(f));
	f.revision = t[8];
	f.dsdt = le32_at(t + FADT_DSDT);
	if (has(len, FADT_X_DSDT, 8) && le64_at(t + FADT_X_DSDT) != 0)
		f.dsdt = le64_at(t + FADT_X_DSDT);
	f.smi_cmd = le32_at(t + FADT_SMI_CMD);
	f.acpi_enable = t[FADT_ACPI_ENABLE];
	get_pm1(t, len, FADT_PM1A_CNT, FADT_X_PM1A_CNT, &f.pm1a_cnt);
	get_pm1(t, len, FADT_PM1B_CNT, FADT_X_PM1B_CNT, &f.pm1b_cnt);
	if (has(len, FADT_BOOT_ARCH, 2))
		f.boot_arch = le16_at(t + FADT_BOOT_ARCH);
	if (has(len, FADT_FLAGS, 4))
		f.flags = le32_at(t + FADT_FLAGS);
	if (has(len, FADT_RESET_VALUE, 1)) {
		acpi_gas_read(t + FADT_RESET_REG, &f.reset_reg);
		f.reset_value = t[FADT_RESET_VALUE];
		f.reset_supported = (f.flags & FADT_FLAG_RESET_REG_SUP) &&
				    f.reset_reg.addr != 0;
	}
	get_pm_timer(t, len, &f);
	*out = f;
	return true;
}
