/*
 * acpi.c - the ACPI tables, power-off and reset (see acpi.h).
 *
 * Power-off writes SLP_TYPa | SLP_EN to the PM1a control block (and PM1b
 * if there is one), each the FADT's X_ generic address when it gives
 * one, else its 32-bit port (acpi_fadt.c reads which).  SLP_TYPa for the
 * S5 (soft-off) state lives in the DSDT's \_S5 package, which acpi_s5.c
 * finds by its byte pattern.  Reset writes RESET_VALUE to RESET_REG when
 * the FADT's flags say it works; power.c falls back to the keyboard
 * controller and port 0xCF9 otherwise.
 * Every table is checked (signature, length, checksum) before use; a
 * machine without usable ACPI just cannot power off and halts.
 */
#include "drivers/acpi.h"
#include "drivers/driver_env.h"
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

#define SLP_EN (1u << 13)
#define SLP_TYP_SHIFT 10
#define SCI_EN 1u

static struct fadt_info fadt;
static bool fadt_ok;
static uint8_t s5_type;
static bool s5_ok;			    /* s5_type was found */
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

/* Firmware memory: through the direct map when it is there, else (ACPI
 * tables at the top of a large RAM) a device window. */
static const void *map_firmware(uint64_t phys, uint32_t len)
{
	if (phys_in_direct_map(phys, len))
		return phys_to_virt((uint32_t)phys);
	return drv_map_mmio(phys, len);
}

/* A table we may read: reachable, sane length, checksum right. */
static const struct sdt_header *map_table(uint64_t phys, const char *sig)
{
	const struct sdt_header *h;

	if (!phys || !(h = map_firmware(phys, sizeof(*h))))
		return NULL;
	if (h->length < sizeof(*h) || h->length > MiB(1) ||
	    !(h = map_firmware(phys, h->length)))
		return NULL;
	if (sig && hv_memcmp(h->signature, sig, 4) != 0)
		return NULL;
	if (!checksum_ok(h, h->length))
		return NULL;
	return h;
}

/* The RSDT or XSDT the RSDP points to (the XSDT if it has one). */
static bool find_root(const uint8_t *rsdp, unsigned len)
{
	const struct sdt_header *root = NULL;

	if (len < 20 || hv_memcmp(rsdp, "RSD PTR ", 8) != 0 ||
	    !checksum_ok(rsdp, 20)) {
		pr_debug("acpi: no valid RSDP from the boot loader\n");
		return false;
	}
	if (rsdp[15] >= 2 && len >= 36 && checksum_ok(rsdp, 36)) {
		root = map_table(le64_at(rsdp + 24), "XSDT");
		root_is_xsdt = root != NULL;
	}
	if (!root)
		root = map_table(le32_at(rsdp + 16), "RSDT");
	if (!root) {
		pr_warn("acpi: root table unreadable\n");
		return false;
	}
	root_table = root;
	return true;
}

static bool gas_usable(const struct acpi_gas *g);

void acpi_init(const uint8_t *rsdp, unsigned len)
{
	const struct sdt_header *dsdt;
	const void *f;
	uint32_t flen;
	char err[64] = "no readable DSDT";

	if (!find_root(rsdp, len))
		return;
	f = acpi_table("FACP", &flen);
	if (!f || !fadt_parse(f, flen, &fadt, err, sizeof(err))) {
		pr_warn("acpi: no usable FADT%s%s\n", f ? ": " : "",
			f ? err : "");
		return;
	}
	fadt_ok = true;
	/* Map the power and reset registers now, if they are memory: at
	 * power-off guests exist, and a device window made then would be
	 * missing from their address spaces (hv/mm/paging.c refuses it). */
	(void)gas_usable(&fadt.pm1a_cnt);
	(void)gas_usable(&fadt.pm1b_cnt);
	if (fadt.reset_supported)
		(void)gas_usable(&fadt.reset_reg);
	dsdt = map_table(fadt.dsdt, "DSDT");
	if (dsdt)
		s5_ok = acpi_find_s5((const uint8_t *)dsdt + sizeof(*dsdt),
				     dsdt->length - sizeof(*dsdt), &s5_type,
				     err, sizeof(err));
	if (s5_ok)
		pr_debug("acpi: PM1a_CNT %#llx PM1b_CNT %#llx S5 type %u\n",
			 (unsigned long long)fadt.pm1a_cnt.addr,
			 (unsigned long long)fadt.pm1b_cnt.addr, s5_type);
	else
		pr_debug("acpi: PM1a_CNT %#llx PM1b_CNT %#llx, S5 type "
			 "unknown: %s\n",
			 (unsigned long long)fadt.pm1a_cnt.addr,
			 (unsigned long long)fadt.pm1b_cnt.addr, err);
}

const struct fadt_info *acpi_fadt(void)
{
	return fadt_ok ? &fadt : NULL;
}

const void *acpi_table(const char sig[4], uint32_t *len)
{
	const struct sdt_header *root = root_table, *t;
	unsigned step = root_is_xsdt ? 8 : 4;

	if (!root)
		return NULL;
	for (uint32_t off = sizeof(*root); off + step <= root->length;
	     off += step) {
		const uint8_t *entry = (const uint8_t *)root + off;

		t = map_table(root_is_xsdt ? le64_at(entry) : le32_at(entry),
			      sig);
		if (t) {
			*len = t->length;
			return t;
		}
	}
	return NULL;
}

/* A register named by a generic address: a port, or memory that
 * drv_map_mmio() can map (uncached, like every other device register, so
 * that the write that switches the machine off or resets it is not held
 * in a cache); false if it is neither. */
static volatile void *gas_memory(const struct acpi_gas *g)
{
	return drv_map_mmio(g->addr, 2); /* the same window each time */
}

static bool gas_usable(const struct acpi_gas *g)
{
	if (g->addr == 0)
		return false;
	if (g->space == ACPI_SPACE_IO)
		return g->addr <= 0xFFFE;
	return g->space == ACPI_SPACE_MEMORY && gas_memory(g);
}

static uint16_t gas_read16(const struct acpi_gas *g)
{
	if (g->space == ACPI_SPACE_IO)
		return inw((uint16_t)g->addr);
	return *(volatile uint16_t *)gas_memory(g);
}

static void gas_write(const struct acpi_gas *g, uint16_t v)
{
	if (g->space == ACPI_SPACE_IO) {
		if (g->bit_width == 8)
			outb((uint16_t)g->addr, (uint8_t)v);
		else
			outw((uint16_t)g->addr, v);
	} else if (g->bit_width == 8) {
		*(volatile uint8_t *)gas_memory(g) = (uint8_t)v;
	} else {
		*(volatile uint16_t *)gas_memory(g) = v;
	}
}

/* If the firmware left ACPI in legacy mode (SCI_EN clear), ask it to
 * switch through SMI_CMD; hardware-reduced machines have no such mode. */
static void enable_acpi_mode(void)
{
	const struct acpi_gas *pm1a = &fadt.pm1a_cnt;

	if (fadt.flags & FADT_FLAG_HW_REDUCED)
		return;
	if ((gas_read16(pm1a) & SCI_EN) || !fadt.smi_cmd ||
	    fadt.smi_cmd > 0xFFFF || !fadt.acpi_enable)
		return;
	outb((uint16_t)fadt.smi_cmd, fadt.acpi_enable);
	for (int i = 0; i < 1000000 && !(gas_read16(pm1a) & SCI_EN); i++)
		pause();
}

void acpi_poweroff(void)
{
	uint16_t v = (uint16_t)((s5_type << SLP_TYP_SHIFT) | SLP_EN);

	if (!fadt_ok || !gas_usable(&fadt.pm1a_cnt)) {
		printk("hv: ACPI power-off unavailable (no PM1a control "
		       "block)\n");
		return;
	}
	if (!s5_ok) {
		printk("hv: ACPI power-off unavailable (no S5 sleep type)\n");
		return;
	}
	enable_acpi_mode();
	/* SLP_TYP and SLP_EN in one write, to PM1a and then PM1b: the
	 * spec's order; the machine goes off at the write that completes
	 * the pair. */
	gas_write(&fadt.pm1a_cnt, v);
	if (gas_usable(&fadt.pm1b_cnt))
		gas_write(&fadt.pm1b_cnt, v);
	for (int i = 0; i < 10000000; i++)
		pause();
	printk("hv: ACPI power-off did not switch the machine off\n");
}

void acpi_reset(void)
{
	struct acpi_gas r;

	if (!fadt_ok || !fadt.reset_supported)
		return;
	/* RESET_REG is a byte register (the spec says so, whatever the
	 * bit width the firmware wrote). */
	r = fadt.reset_reg;
	r.bit_width = 8;
	if (!gas_usable(&r)) {
		printk("hv: ACPI reset register (address space %u, %#llx) not "
		       "used\n",
		       r.space, (unsigned long long)r.addr);
		return;
	}
	printk("hv: reset through the FADT's reset register (%s %#llx, value "
	       "%#x)\n",
	       r.space == ACPI_SPACE_IO ? "port" : "memory",
	       (unsigned long long)r.addr, fadt.reset_value);
	gas_write(&r, fadt.reset_value);
}
