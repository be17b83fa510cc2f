/*
 * acpi.h - just enough ACPI to switch the machine off and reset it: find
 * the FADT from the RSDP GRUB handed us, and the S5 sleep type in the DSDT;
 * and other tables by signature for the drivers (MCFG for pci_host.c).
 */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

#include "hv/lib/lib.h"

void acpi_init(const uint8_t *rsdp, unsigned len);
/* A table by signature ("MCFG"), checked (length, checksum), with its
 * whole length in *len; NULL if the firmware has none. */
const void *acpi_table(const char sig[4], uint32_t *len);
/* Returns only if the machine is still on, having printed why. */
void acpi_poweroff(void);
void acpi_reset(void); /* returns if the FADT has no reset register */
/* Pure: find SLP_TYPa for \_S5 in AML bytes.  Returns true with it in
 * *slp_typ, or false, *slp_typ untouched, with the reason in err
 * (truncated to errlen; err may be NULL when errlen is 0). */
bool __must_check acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ,
			       char *err, size_t errlen);

#endif
