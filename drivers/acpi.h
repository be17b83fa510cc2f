/*
 * acpi.h - the ACPI the hypervisor uses: the tables found from the RSDP
 * GRUB handed us, the FADT (power-off, reset, the PM timer), the S5 sleep
 * type in the DSDT, and other tables by signature for the drivers (MCFG
 * for pci_host.c, APIC for the interrupt controllers, HPET).
 */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

#include "hv/lib/lib.h"

/* A generic address structure (ACPI 6.4, 5.2.3.2). */
#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO 1
#define ACPI_GAS_LEN 12 /* bytes in a table */
struct acpi_gas {
	uint8_t space, bit_width, bit_offset, access_size;
	uint64_t addr; /* 0: not there */
};
/* Pure: the generic address structure whose ACPI_GAS_LEN bytes are at p
 * (any alignment). */
void acpi_gas_read(const uint8_t *p, struct acpi_gas *g);

#define FADT_FLAG_TMR_VAL_EXT (1u << 8)	   /* the PM timer has 32 bits */
#define FADT_FLAG_RESET_REG_SUP (1u << 10) /* RESET_REG works */
#define FADT_FLAG_HW_REDUCED (1u << 20)	   /* no PM1 blocks, no SCI_EN */

struct fadt_info {
	uint8_t revision;
	uint64_t dsdt; /* X_DSDT if set, else DSDT */
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	/* X_PM1x_CNT_BLK if set, else PM1x_CNT_BLK as an I/O port. */
	struct acpi_gas pm1a_cnt, pm1b_cnt;
	uint16_t pm_timer_port; /* 0: no PM timer */
	uint8_t pm_timer_bits;	/* 24 or 32 */
	uint16_t boot_arch;	/* IAPC_BOOT_ARCH */
	uint32_t flags;		/* FADT_FLAG_* */
	bool reset_supported;	/* the flag set and a register named */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
};

void acpi_init(const uint8_t *rsdp, unsigned len);
/* A table by signature ("MCFG"), checked (length, checksum), with its
 * whole length in *len; NULL if the firmware has none. */
const void *acpi_table(const char sig[4], uint32_t *len);
/* The FADT as read at acpi_init(), or NULL if there is none usable. */
const struct fadt_info *acpi_fadt(void);
/* Returns only if the machine is still on, having printed why. */
void acpi_poweroff(void);
void acpi_reset(void); /* returns if the FADT has no reset register */

/* Pure: read a FADT of `len` bytes.  False, with the reason in err, if it
 * is too short to power off with or its length field is not len. */
bool __must_check fadt_parse(const void *table, size_t len,
			     struct fadt_info *out, char *err, size_t errlen);
/* Pure: find SLP_TYPa for \_S5 in AML bytes.  Returns true with it in
 * *slp_typ, or false, *slp_typ untouched, with the reason in err
 * (truncated to errlen; err may be NULL when errlen is 0). */
bool __must_check acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ,
			       char *err, size_t errlen);

#endif
