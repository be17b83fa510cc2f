/*
 * adversary_mmio.c - [Testguest 10] device registers reached the hard
 * way.
 *
 * The hypervisor emulates the instruction that faulted on a device
 * register (ABI 11.6), so it must find that instruction and that access
 * exactly as the CPU did:
 *
 *   mmio-cs-base   a 16-bit load from the console's num_queues and an
 *                  "in" from the PCI data port, run in a code segment
 *                  whose base is not 0.  The bytes at the same offset in
 *                  the flat segment are a store and a nop: if the
 *                  hypervisor fetched at plain EIP it would emulate
 *                  those, and we would not read 2 and the vendor ID.
 *   mmio-straddle  a 4-byte load 2 bytes below the console's BAR, whose
 *                  page we put right after a RAM page.  Half of it is
 *                  RAM, half a register: the hypervisor must refuse it,
 *                  killing us with the reason, not read the register at
 *                  the BAR's start (the CPU reports the fault at the BAR
 *                  page's start).
 */
#include <stdint.h>

#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/irq.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/pci.h"
#include "paravirt-guest/virtio.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

#define CODE_SLOT 20			  /* a PnP BIOS slot, unused by us */
#define CODE_SELECTOR (CODE_SLOT * 8 | 1) /* 0xa1 */
#define COMMON_NUMQ 18			  /* the console's num_queues: 2 */

static const char *test_name;

static __attribute__((noreturn)) void not_refused(void)
{
	printf("guest: test %s: NOT refused, guest still running\n", test_name);
	guest_poweroff("test not refused");
}

/* The console's registers, mapped; their page starts with the BAR. */
static volatile uint8_t *console_bar(void)
{
	struct pci_dev pd;
	volatile uint8_t *bar;

	if (!pci_find(VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE(VIRTIO_ID_CONSOLE),
		      &pd))
		guest_poweroff("no console device");
	bar = ioremap(pd.bar0, 128);
	if (!bar || ((uint32_t)bar & (PAGE_SIZE - 1)))
		guest_poweroff("console BAR not at a page start");
	return bar;
}

static void mmio_cs_base(void)
{
	static const uint8_t real[] = {
		0x66, 0x8b, 0x00, /* mov (%eax),%ax: the load that faulted */
		0x89, 0xc3,	  /* mov %eax,%ebx */
		0xed,		  /* in (%dx),%eax */
		0xcb,		  /* lret */
	};
	static const uint8_t decoy[] = {
		0x66, 0x89, 0x02, /* mov %ax,(%edx): not this */
		0x89, 0xc3,	  /* mov %eax,%ebx */
		0x90,		  /* nop: not an in */
		0xcb,		  /* lret */
	};
	volatile uint8_t *bar = console_bar();
	uint8_t *code = page_alloc(), *flat = page_alloc();
	uint32_t base, loaded, vendor;
	struct {
		uint32_t offset;
		uint16_t selector;
	} __attribute__((packed)) target;

	if (!code || !flat)
		guest_poweroff("out of memory");
	if (code < flat) {
		/* A base that wraps past 4 GiB would lie in the hypervisor
		 * region, where a code segment is not present (docs/
		 * segment-views.md): keep the base small and positive. */
		uint8_t *t = code;

		code = flat;
		flat = t;
	}
	memcpy(code, real, sizeof(real));
	memcpy(flat, decoy, sizeof(decoy));
	/* Offset "flat" in the segment is linear "code". */
	base = (uint32_t)code - (uint32_t)flat;
	printf("guest: test: MMIO load and port read with CS base %p\n",
	       (void *)base);
	/* Code, execute/read, DPL 1, 32-bit, 4 GiB limit, that base. */
	hcall(LHCALL_LOAD_GDT_ENTRY, CODE_SLOT, (base << 16) | 0xffff,
	      (base & 0xff000000) | 0x00cfba00 | ((base >> 16) & 0xff));
	target.offset = (uint32_t)flat;
	target.selector = CODE_SELECTOR;
	/* Vendor and device ID of slot 1, the console, at the data port. */
	outl(0xcf8, 0x80000000u | (1u << 11));
	irq_disable();
	asm volatile("lcall *%2"
		     : "=a"(vendor), "=b"(loaded)
		     : "m"(target), "a"(bar + COMMON_NUMQ), "d"(0xcfc)
		     : "memory");
	irq_enable();
	hcall(LHCALL_LOAD_GDT_ENTRY, CODE_SLOT, 0, 0);
	if ((loaded & 0xffff) != 2 ||
	    vendor != (VIRTIO_PCI_DEVICE(VIRTIO_ID_CONSOLE) << 16 |
		       VIRTIO_PCI_VENDOR)) {
		printf("guest: mmio-cs-base: FAIL: num_queues 0x%x, vendor "
		       "0x%x\n",
		       loaded & 0xffff, vendor);
		guest_poweroff("based code segment misemulated");
	}
	printf("guest: mmio-cs-base: num_queues %u and ID 0x%x read through "
	       "CS base %p\n",
	       loaded & 0xffff, vendor, (void *)base);
	guest_poweroff("based code segment emulated");
}

static void mmio_straddle(void)
{
	volatile uint8_t *bar = console_bar();
	uint32_t *ram = page_alloc(), slot, seen;

	if (!ram)
		guest_poweroff("out of memory");
	/* The fixmap slot below the BAR's page: our RAM page there. */
	slot = ((uint32_t)bar - FIXMAP(0)) / PAGE_SIZE - 1;
	fixmap_set(slot, __pa(ram) | PTE_KERNEL);
	ram[PAGE_SIZE / 4 - 1] = 0x600d0000;
	printf("guest: test: 4-byte load at %p, 2 bytes below the BAR at %p\n",
	       (void *)(bar - 2), (void *)bar);
	asm volatile("movl %1, %0" : "=r"(seen) : "m"(*(bar - 2)) : "memory");
	printf("guest: mmio-straddle: read 0x%x\n", seen);
}

struct adversary_mmio {
	const char *name;
	void (*run)(void);
};

static const struct adversary_mmio tests[] = {
	{ "mmio-cs-base", mmio_cs_base },
	{ "mmio-straddle", mmio_straddle },
};

void adversary_mmio_run(const char *name)
{
	for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (!word_equals(name, tests[i].name))
			continue;
		test_name = tests[i].name;
		guest_connect();
		idt_init();
		tests[i].run();
		not_refused();
	}
}
