/*
 * acpi.c - ACPI power-off and reset (see acpi.h).
 *
 * Power-off writes SLP_TYPa | SLP_EN to the PM1a control block (and PM1b
 * if there is one).  SLP_TYPa for the S5 (soft-off) state lives in the
 * DSDT's \_S5 package, which acpi_s5.c finds by its byte pattern.
 * Every table is checked (signature, length, checksum) before use; a
 * machine without usable ACPI just cannot power off and halts.
 */
#include "drivers/acpi.h"
#include "hv/include/layout.h"
#include "hv/include/x86.h"
#include "hv/lib/lib.h"
#include "hv/lib/printk.h"

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __packed;

/* FADT fields we use, by offset (ACPI spec, "Fixed ACPI Description"). */
#define FADT_DSDT 40
#define FADT_SMI_CMD 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_FLAGS 112
#define FADT_RESET_REG 116 /* generic address structure, 12 bytes */
#define FADT_RESET_VALUE 128
#define FADT_FLAG_RESET_SUPPORTED (1u << 10)

#define SLP_EN (1u << 13)
#define SCI_EN 1u

static uint32_t pm1a_cnt, pm1b_cnt, smi_cmd;
static uint8_t acpi_enable_value;
static uint8_t s5_type;
static bool s5_ok; /* s5_type was found */
static bool reset_ok;
static uint8_t reset_space, reset_value;
static uint64_t reset_addr;
static const struct sdt_header *root_table; /* RSDT or XSDT, once checked */
static bool root_is_xsdt;

static bool checksum_ok(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

/* A table we may read: below the Switcher, sane length, checksum right. */
static const struct sdt_header *map_table(uint64_t phys, const char *sig)
{
	const struct sdt_header *h;

	if (!phys || phys + sizeof(*h) > IDENTITY_MAP_END)
		return NULL;
	h = (const void *)(uintptr_t)phys;
	if (h->length < sizeof(*h) || h->length > MiB(1) ||
	    phys + h->length > IDENTITY_MAP_END)
		return NULL;
	if (sig && hv_memcmp(h->signature, sig, 4) != 0)
		return NULL;
	if (!checksum_ok(h, h->length))
		return NULL;
	return h;
}

void acpi_init(const uint8_t *rsdp, unsigned len)
{
	const struct sdt_header *root = NULL, *fadt = NULL, *dsdt;
	const uint8_t *f;
	bool xsdt = false;
	char err[64] = "no readable DSDT";

	if (len < 20 || hv_memcmp(rsdp, "RSD PTR ", 8) != 0 ||
	    !checksum_ok(rsdp, 20)) {
		pr_debug("acpi: no valid RSDP from the boot loader\n");
		return;
	}
	if (rsdp[15] >= 2 && len >= 36 && checksum_ok(rsdp, 36)) {
		uint64_t x;
		hv_memcpy(&x, rsdp + 24, 8);
		root = map_table(x, "XSDT");
		xsdt = root != NULL;
	}
	if (!root) {
		uint32_t r;
		hv_memcpy(&r, rsdp + 16, 4);
		root = map_table(r, "RSDT");
	}
	if (!root) {
		pr_warn("acpi: root table unreadable\n");
		return;
	}
	root_table = root;
	root_is_xsdt = xsdt;
	for (uint32_t off = sizeof(*root); off < root->length;
	     off += xsdt ? 8 : 4) {
		uint64_t addr = 0;
		hv_memcpy(&addr, (const uint8_t *)root + off, xsdt ? 8 : 4);
		fadt = map_table(addr, "FACP");
		if (fadt)
			break;
	}
	if (!fadt || fadt->length < FADT_PM1B_CNT + 4) {
		pr_warn("acpi: no usable FADT\n");
		return;
	}
	f = (const uint8_t *)fadt;
	hv_memcpy(&pm1a_cnt, f + FADT_PM1A_CNT, 4);
	hv_memcpy(&pm1b_cnt, f + FADT_PM1B_CNT, 4);
	hv_memcpy(&smi_cmd, f + FADT_SMI_CMD, 4);
	acpi_enable_value = f[FADT_ACPI_ENABLE];
	if (fadt->length >= FADT_RESET_VALUE + 1) {
		uint32_t flags;
		hv_memcpy(&flags, f + FADT_FLAGS, 4);
		reset_ok = flags & FADT_FLAG_RESET_SUPPORTED;
		reset_space = f[FADT_RESET_REG];
		hv_memcpy(&reset_addr, f + FADT_RESET_REG + 4, 8);
		reset_value = f[FADT_RESET_VALUE];
	}
	{
		uint32_t d;
		hv_memcpy(&d, f + FADT_DSDT, 4);
		dsdt = map_table(d, "DSDT");
	}
	if (dsdt)
		s5_ok = acpi_find_s5((const uint8_t *)dsdt + sizeof(*dsdt),
				     dsdt->length - sizeof(*dsdt), &s5_type,
				     err, sizeof(err));
	if (s5_ok)
		pr_debug("acpi: PM1a_CNT %#x PM1b_CNT %#x S5 type %u\n",
			 pm1a_cnt, pm1b_cnt, s5_type);
	else
		pr_debug("acpi: PM1a_CNT %#x PM1b_CNT %#x, S5 type unknown: "
			 "%s\n",
			 pm1a_cnt, pm1b_cnt, err);
}

const void *acpi_table(const char sig[4], uint32_t *len)
{
	const struct sdt_header *root = root_table, *t;
	unsigned step = root_is_xsdt ? 8 : 4;

	if (!root)
		return NULL;
	for (uint32_t off = sizeof(*root); off + step <= root->length;
	     off += step) {
		uint64_t addr = 0;
		hv_memcpy(&addr, (const uint8_t *)root + off, step);
		t = map_table(addr, sig);
		if (t) {
			*len = t->length;
			return t;
		}
	}
	return NULL;
}

void acpi_poweroff(void)
{
	if (!pm1a_cnt || pm1a_cnt > 0xFFFF) {
		printk("hv: ACPI power-off unavailable (no PM1a control "
		       "block)\n");
		return;
	}
	if (!s5_ok) {
		printk("hv: ACPI power-off unavailable (no S5 sleep type)\n");
		return;
	}
	/* If the firmware left ACPI in legacy mode, ask it to switch. */
	if (!(inw((uint16_t)pm1a_cnt) & SCI_EN) && smi_cmd &&
	    smi_cmd <= 0xFFFF && acpi_enable_value) {
		outb((uint16_t)smi_cmd, acpi_enable_value);
		for (int i = 0;
		     i < 1000000 && !(inw((uint16_t)pm1a_cnt) & SCI_EN); i++)
			pause();
	}
	outw((uint16_t)pm1a_cnt, (uint16_t)((s5_type << 10) | SLP_EN));
	if (pm1b_cnt && pm1b_cnt <= 0xFFFF)
		outw((uint16_t)pm1b_cnt, (uint16_t)((s5_type << 10) | SLP_EN));
	for (int i = 0; i < 10000000; i++)
		pause();
	printk("hv: ACPI power-off did not switch the machine off\n");
}

void acpi_reset(void)
{
	if (!reset_ok)
		return;
	if (reset_space == 1 && reset_addr <= 0xFFFF) /* system I/O */
		outb((uint16_t)reset_addr, reset_value);
	else if (reset_space == 0 && reset_addr < IDENTITY_MAP_END) /* memory */
		*(volatile uint8_t *)(uintptr_t)reset_addr = reset_value;
}
