/*
 * fuzz_madt.c - libFuzzer target for madt_parse and madt_isa_route, the
 * reading of ACPI's MADT (drivers/madt.c), and for fadt_parse, the FADT's
 * (drivers/acpi_fadt.c).
 *
 * Firmware tables are hostile input: a broken BIOS, or one someone
 * crafted, must not make the hypervisor read past a table or believe
 * nonsense.  The input is the table itself, from byte 0 (the SDT
 * header).  Its length field rarely matches what the fuzzer gives, which
 * would stop every input at the first check; so when byte 9 (the
 * checksum's neighbour, a byte of the OEM ID) is odd, the harness writes
 * the input's true size into the length field first.  The table is a
 * heap copy of exactly its size, so ASan sees a byte read past it.
 *
 * What must hold:
 *   - false comes with a NUL-terminated, non-empty reason, and the output
 *     is untouched;
 *   - true: every count within its array, a local APIC address, I/O APICs
 *     at non-zero addresses, overrides of ISA IRQs only, one each, NMI
 *     pins 0 or 1; and madt_isa_route gives, for every ISA IRQ, the
 *     override's GSI or the IRQ itself;
 *   - a second parse gives the same answer byte for byte;
 *   - fadt_parse on the same bytes: false with a reason, or a FADT whose
 *     PM timer, if any, has a port and 24 or 32 bits.
 *
 * Seeds (tests/fuzz/corpus/madt/): QEMU q35's MADT, one with the
 * 64-bit LAPIC address and x2APIC entries, and QEMU's FADT.
 *
 * FUZZ_SOURCES: drivers/madt.c drivers/acpi_fadt.c hv/lib/string.c hv/lib/format.c
 * FUZZ_MAX_LEN: 2048
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/acpi.h"
#include "drivers/madt.h"

#include "tests/fuzz/fuzz_stubs.h"

static struct madt_info first, second;
static struct fadt_info fadt;

static void check_reason(const char *err, size_t size)
{
	check(memchr(err, 0, size) != NULL);
	check(err[0] != 0);
}

static void check_madt(const struct madt_info *m)
{
	check(m->nr_cpus <= MADT_MAX_CPUS);
	check(m->nr_ioapics <= MADT_MAX_IOAPICS);
	check(m->nr_overrides <= MADT_MAX_OVERRIDES);
	check(m->nr_nmis <= MADT_MAX_NMIS);
	check(m->lapic_addr != 0);
	for (unsigned i = 0; i < m->nr_ioapics; i++)
		check(m->ioapic[i].addr != 0);
	for (unsigned i = 0; i < m->nr_overrides; i++) {
		check(m->override[i].isa_irq < 16);
		for (unsigned j = 0; j < i; j++)
			check(m->override[j].isa_irq != m->override[i].isa_irq);
	}
	for (unsigned i = 0; i < m->nr_nmis; i++)
		check(m->nmi[i].lint <= 1);
	for (unsigned irq = 0; irq < 16; irq++) {
		uint32_t gsi, want = irq;
		bool low, level;

		for (unsigned i = 0; i < m->nr_overrides; i++)
			if (m->override[i].isa_irq == irq)
				want = m->override[i].gsi;
		madt_isa_route(m, irq, &gsi, &low, &level);
		check(gsi == want);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *t = malloc(size ? size : 1);
	char err[64], err2[64];
	bool ok, ok2;

	if (!t)
		return 0;
	memcpy(t, data, size);
	if (size >= 10 && (t[9] & 1)) {
		t[4] = (uint8_t)size;
		t[5] = (uint8_t)(size >> 8);
		t[6] = (uint8_t)(size >> 16);
		t[7] = (uint8_t)(size >> 24);
	}
	memset(&first, 0x5A, sizeof(first));
	ok = madt_parse(t, size, &first, err, sizeof(err));
	if (ok) {
		check_madt(&first);
	} else {
		struct madt_info untouched;

		memset(&untouched, 0x5A, sizeof(untouched));
		check_reason(err, sizeof(err));
		check(memcmp(&first, &untouched, sizeof(first)) == 0);
	}
	memset(&second, 0x5A, sizeof(second));
	ok2 = madt_parse(t, size, &second, err2, sizeof(err2));
	check(ok == ok2);
	check(memcmp(&first, &second, sizeof(first)) == 0);
	if (!ok)
		check(strcmp(err, err2) == 0);

	if (fadt_parse(t, size, &fadt, err, sizeof(err))) {
		if (fadt.pm_timer_port)
			check(fadt.pm_timer_bits == 24 ||
			      fadt.pm_timer_bits == 32);
	} else {
		check_reason(err, sizeof(err));
	}
	free(t);
	return 0;
}
