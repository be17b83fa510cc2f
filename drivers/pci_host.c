/*
 * pci_host.c - [Storage 2] enumerate the machine's PCI functions (see pci_host.h).
 */
#include "drivers/pci_host.h"
#include "drivers/acpi.h"
#include "drivers/driver_env.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"

#define CONFIG_ADDRESS 0xCF8
#define CONFIG_DATA 0xCFC
#define CONFIG_ENABLE 0x80000000u

/* The MCFG table: after the 36-byte header and 8 reserved bytes, one
 * 16-byte entry per segment: base address, segment, first and last bus. */
#define MCFG_ENTRIES 44
struct mcfg_entry {
	uint64_t base;
	uint16_t segment;
	uint8_t bus_first, bus_last;
	uint32_t reserved;
} __packed;

static volatile uint8_t *ecam; /* NULL: use mechanism 1 */
static uint8_t ecam_first, ecam_last;
static struct pci_function funcs[PCI_MAX_HOST_FUNCTIONS];
static unsigned nfuncs;

static volatile uint8_t *ecam_addr(const struct pci_function *f, unsigned off)
{
	return ecam + ((uint32_t)(f->bus - ecam_first) << 20) +
	       ((uint32_t)f->dev << 15) + ((uint32_t)f->fn << 12) + off;
}

static bool use_ecam(const struct pci_function *f)
{
	return ecam && f->bus >= ecam_first && f->bus <= ecam_last;
}

static uint32_t mech1_address(const struct pci_function *f, unsigned off)
{
	return CONFIG_ENABLE | (uint32_t)f->bus << 16 | (uint32_t)f->dev << 11 |
	       (uint32_t)f->fn << 8 | (off & 0xFC);
}

uint32_t pci_host_read32(const struct pci_function *f, unsigned off)
{
	if (use_ecam(f))
		return *(volatile uint32_t *)ecam_addr(f, off & 0xFFC);
	outl(CONFIG_ADDRESS, mech1_address(f, off));
	return inl(CONFIG_DATA);
}

void pci_host_write32(const struct pci_function *f, unsigned off, uint32_t v)
{
	if (use_ecam(f)) {
		*(volatile uint32_t *)ecam_addr(f, off & 0xFFC) = v;
		return;
	}
	outl(CONFIG_ADDRESS, mech1_address(f, off));
	outl(CONFIG_DATA, v);
}

uint16_t pci_host_read16(const struct pci_function *f, unsigned off)
{
	return (uint16_t)(pci_host_read32(f, off & ~3u) >> ((off & 2) * 8));
}

void pci_host_write16(const struct pci_function *f, unsigned off, uint16_t v)
{
	if (use_ecam(f)) {
		*(volatile uint16_t *)ecam_addr(f, off & 0xFFE) = v;
		return;
	}
	outl(CONFIG_ADDRESS, mech1_address(f, off));
	outw(CONFIG_DATA + (off & 2), v);
}

/* ECAM for segment 0 from MCFG, if the firmware gave one we can map. */
static void find_ecam(void)
{
	uint32_t len;
	const uint8_t *t = acpi_table("MCFG", &len);
	struct mcfg_entry e;

	if (!t)
		return;
	for (uint32_t off = MCFG_ENTRIES; off + sizeof(e) <= len;
	     off += sizeof(e)) {
		hv_memcpy(&e, t + off, sizeof(e));
		if (e.segment != 0 || e.bus_last < e.bus_first)
			continue;
		uint64_t size = (uint64_t)(e.bus_last - e.bus_first + 1) << 20;
		volatile uint8_t *window = drv_map_mmio(e.base, size);

		if (!window) {
			pr_warn("pci: ECAM at %#llx is out of reach; using "
				"ports 0xCF8/0xCFC\n",
				(unsigned long long)e.base);
			return;
		}
		ecam = window;
		ecam_first = e.bus_first;
		ecam_last = e.bus_last;
		pr_debug("pci: ECAM at %#llx, buses %u-%u\n",
			 (unsigned long long)e.base, ecam_first, ecam_last);
		return;
	}
}

static void add_function(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id)
{
	struct pci_function *f;
	uint32_t cls;

	if (nfuncs == PCI_MAX_HOST_FUNCTIONS) {
		pr_warn("pci: more than %u functions; %02x:%02x.%u and later "
			"ignored\n",
			PCI_MAX_HOST_FUNCTIONS, bus, dev, fn);
		return;
	}
	f = &funcs[nfuncs++];
	f->bus = bus;
	f->dev = dev;
	f->fn = fn;
	f->vendor = (uint16_t)id;
	f->device = (uint16_t)(id >> 16);
	cls = pci_host_read32(f, PCI_CLASS_REVISION);
	f->class = (uint8_t)(cls >> 24);
	f->subclass = (uint8_t)(cls >> 16);
	f->progif = (uint8_t)(cls >> 8);
	pr_debug("pci: %02x:%02x.%u %04x:%04x class %02x.%02x.%02x\n", bus, dev,
		 fn, f->vendor, f->device, f->class, f->subclass, f->progif);
}

/*
 * Every bus, device and function: 8192 probes, a few milliseconds, once.
 * Walking bridges instead would be faster but trusts every bridge's bus
 * numbers; the brute-force walk finds the same functions either way.
 */
unsigned pci_host_scan(void)
{
	find_ecam();
	for (unsigned bus = 0; bus < 256; bus++)
		for (uint8_t dev = 0; dev < 32; dev++)
			for (uint8_t fn = 0; fn < 8; fn++) {
				struct pci_function probe = {
					.bus = (uint8_t)bus,
					.dev = dev,
					.fn = fn
				};
				uint32_t id =
					pci_host_read32(&probe, PCI_VENDOR_ID);

				if ((id & 0xFFFF) == 0xFFFF) {
					if (fn == 0)
						break; /* no device here */
					continue;
				}
				add_function((uint8_t)bus, dev, fn, id);
				if (fn == 0 &&
				    !(pci_host_read32(&probe, 0x0C) >> 16 &
				      PCI_HEADER_MULTI))
					break; /* a single-function device */
			}
	pr_info("pci: %u functions (%s)\n", nfuncs,
		ecam ? "ECAM" : "ports 0xCF8/0xCFC");
	return nfuncs;
}

const struct pci_function *pci_host_find(uint8_t class, uint8_t subclass,
					 uint8_t progif, unsigned index)
{
	for (unsigned i = 0; i < nfuncs; i++)
		if (funcs[i].class == class && funcs[i].subclass == subclass &&
		    funcs[i].progif == progif && index-- == 0)
			return &funcs[i];
	return NULL;
}

bool pci_host_mem_bar(const struct pci_function *f, unsigned bar,
		      uint64_t *base, uint64_t *size)
{
	unsigned off = PCI_BAR0 + 4 * bar;
	uint16_t cmd = pci_host_read16(f, PCI_COMMAND);
	uint32_t lo = pci_host_read32(f, off), hi = 0, mlo, mhi = 0xFFFFFFFF;
	bool is64 = (lo & 0x6) == 0x4;

	if (bar > 5 || (lo & 1) || (is64 && bar == 5))
		return false;
	/* Size it with decoding off, so the all-ones probe never claims
	 * addresses some other device answers. */
	pci_host_write16(f, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
	pci_host_write32(f, off, 0xFFFFFFFF);
	mlo = pci_host_read32(f, off);
	pci_host_write32(f, off, lo);
	if (is64) {
		hi = pci_host_read32(f, off + 4);
		pci_host_write32(f, off + 4, 0xFFFFFFFF);
		mhi = pci_host_read32(f, off + 4);
		pci_host_write32(f, off + 4, hi);
	}
	pci_host_write16(f, PCI_COMMAND, cmd);
	uint64_t mask = ((uint64_t)mhi << 32) | (mlo & ~0xFull);
	if (!is64)
		mask |= 0xFFFFFFFF00000000ull;
	*base = ((uint64_t)hi << 32) | (lo & ~0xFull);
	*size = ~mask + 1;
	return (mlo & ~0xFu) != 0 && *base != 0;
}

void pci_host_enable(const struct pci_function *f)
{
	uint16_t cmd = pci_host_read16(f, PCI_COMMAND);

	pci_host_write16(f, PCI_COMMAND,
			 cmd | PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER |
				 PCI_CMD_INTX_DISABLE);
}

void pci_host_name(const struct pci_function *f, char buf[8])
{
	hv_snprintf(buf, 8, "%02x:%02x.%u", f->bus, f->dev, f->fn);
}
