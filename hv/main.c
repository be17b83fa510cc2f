/*
 * main.c - [Boot 0] the hypervisor's life, in order.
 *
 * boot/multiboot2.S calls hv_main() with the Multiboot2 magic and the
 * address of GRUB's boot information.  We bring up the serial console
 * first (so anything after can be reported), read what GRUB told us, take
 * over the CPU (control registers, paging, our own GDT/IDT/TSS through the
 * Switcher), the interrupt controller and the timer, print the banner, and
 * then run the guests the modules describe.
 */
#include "drivers/disk.h"
#include "drivers/driver_env.h"
#include "drivers/fbscreen.h"
#include "drivers/pci_host.h"
#include "drivers/ps2kbd.h"
#include "drivers/uart.h"
#include "drivers/vga.h"
#include "hv/core/sched.h"
#include "hv/dev/guest_tsc.h"
#include "hv/hv.h"
#include "hv/include/multiboot2.h"
#include "hv/include/x86.h"
#include "hv/lib/console.h"
#include "hv/lib/printk.h"
#include "hv/machine/cpu.h"
#include "hv/machine/entropy.h"
#include "hv/machine/irq.h"
#include "hv/machine/power.h"
#include "hv/machine/smp.h"
#include "hv/machine/time.h"
#include "hv/mm/paging.h"
#include "hv/mm/pmem_hv.h"
#include "hv/setup/bootinfo.h"
#include "hv/setup/options.h"
#include "hv/storage/storage.h"
#include "hv/net/net.h"
#include "hv/version.h"
#include "switcher/switcher.h"

void hv_main(uint32_t magic, uint32_t mbi_addr);

struct boot_info boot_info;
struct hv_options hv_options;
static struct guest_config guest_configs[MAX_GUESTS];
static int nr_guest_configs;

extern char __image_start[], __image_end[];

static void report_option(const char *msg)
{
	printk("hv: %s\n", msg);
}

static void report_module(const char *msg)
{
	printk("hv: config: %s\n", msg);
}

static void read_boot_info(uint32_t magic, uint32_t mbi_addr)
{
	char err[160];
	uint32_t size;

	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("not loaded by a Multiboot2 loader (magic %#x)", magic);
	/* boot/multiboot2.S maps the direct map already; the loaders keep
	 * the information low (GRUB next to us, hv.efi below 448 MiB). */
	if (!phys_in_direct_map(mbi_addr, 8))
		panic("the boot information at %#x is above the %u MiB the "
		      "hypervisor maps",
		      mbi_addr, DIRECT_MAP_SIZE >> 20);
	size = *(const uint32_t *)phys_to_virt(mbi_addr);
	if (!phys_in_direct_map(mbi_addr, size))
		panic("the boot information at %#x (%u bytes) runs past the "
		      "%u MiB the hypervisor maps",
		      mbi_addr, size, DIRECT_MAP_SIZE >> 20);
	if (!mb2_parse(phys_to_virt(mbi_addr), size, &boot_info, err,
		       sizeof(err)))
		panic("cannot use the boot information: %s", err);
	boot_info_addr = mbi_addr;
	boot_info_size = size;
	/* A module the direct map does not reach cannot be read; it is left
	 * empty, so whoever names it says so by name (a guest's loader: "not
	 * a kernel"). */
	for (unsigned i = 0; i < boot_info.nr_mods; i++) {
		struct boot_module *m = &boot_info.mods[i];

		if (phys_in_direct_map(m->start, m->end - m->start))
			continue;
		printk("hv: module %u ('%s') at %#x-%#x lies above the %u MiB "
		       "the hypervisor maps; not used\n",
		       i, m->string, m->start, m->end, DIRECT_MAP_SIZE >> 20);
		m->end = m->start;
	}
}

/*
 * exits=: whether the hypervisor stays in every guest's address space.
 * That is safe only where segment limits keep ring 1 out, which an
 * emulator may not enforce (hv/machine/seglimit_probe.c); "auto" asks the
 * CPU.  An explicit exits=resident is obeyed on such a CPU too, for
 * measurements, with a warning that says what it means.
 */
static void choose_exits(void)
{
	bool limits = cpu_enforces_segment_limits();
	bool resident = hv_options.exits == EXITS_RESIDENT ||
			(hv_options.exits == EXITS_AUTO && limits);

	paging_set_resident(resident);
	switcher_set_resident(resident);
	if (hv_options.exits == EXITS_AUTO && !limits)
		printk("hv: exits=switch: this CPU does not enforce segment "
		       "limits (an emulator, such as QEMU without KVM), so "
		       "guests cannot share our address space safely\n");
	else if (resident && !limits)
		printk("hv: WARNING: exits=resident on a CPU that does not "
		       "enforce segment limits: guest kernels can read and "
		       "write the hypervisor.  For measurements only.\n");
}

static void apply_options(void)
{
	options_defaults(&hv_options);
	options_parse(boot_info.cmdline, &hv_options, report_option);
	if (boot_info.cmdline_truncated)
		printk("hv: command line longer than %d bytes, truncated\n",
		       BOOT_CMDLINE_MAX - 1);
	hv_loglevel = hv_options.loglevel;
	if (hv_options.com_port != UART_COM1_PORT ||
	    hv_options.com_baud != UART_DEFAULT_BAUD)
		uart_init(hv_options.com_port, hv_options.com_baud);
}

/* The framebuffer GRUB set up, as a text screen (drivers/fbscreen.c):
 * mapped uncached, since the display reads it behind the CPU's caches.
 * One the memory map calls usable RAM is refused by paging_map_device(),
 * like any device's registers there. */
static void start_framebuffer(void)
{
	uint64_t len = (uint64_t)boot_info.fb_pitch * boot_info.fb_height;
	struct fb_surface fb = {
		.pitch = boot_info.fb_pitch,
		.width = boot_info.fb_width,
		.height = boot_info.fb_height,
		.bpp = boot_info.fb_bpp,
		.rgb = boot_info.fb_rgb,
	};

	if (boot_info.fb_type != MB2_FB_TYPE_RGB) {
		printk("hv: screen: framebuffer type %u (palette) not used\n",
		       boot_info.fb_type);
		return;
	}
	fb.base = len ? paging_map_device(boot_info.fb_addr, len) : NULL;
	fbscreen_init(&fb, boot_info.fb_addr); /* says why, if it cannot */
}

static void start_screen(void)
{
	uint32_t which = hv_options.consoles;

	/* VGA text where GRUB left the machine in text mode (BIOS); a pixel
	 * framebuffer otherwise (always on UEFI). */
	if ((which & CONSOLE_SCREEN) && boot_info.has_fb) {
		if (boot_info.fb_type == MB2_FB_TYPE_EGA_TEXT &&
		    boot_info.fb_addr < 0x100000)
			vga_init((uint32_t)boot_info.fb_addr,
				 boot_info.fb_width, boot_info.fb_height);
		else if (boot_info.fb_type != MB2_FB_TYPE_EGA_TEXT)
			start_framebuffer();
	}
	console_enable(which);
}

static const char *mem_type_name(uint32_t t)
{
	switch (t) {
	case MEM_USABLE:
		return "usable";
	case MEM_ACPI:
		return "ACPI data";
	case MEM_NVS:
		return "ACPI NVS";
	case MEM_BAD:
		return "bad";
	default:
		return "reserved";
	}
}

static void print_banner(void)
{
	static const char *const src[] = { "none", "BIOS e820", "UEFI",
					   "basic" };
	uint64_t usable = 0, above = 0;
	bool screen;

	printk("\n%s %s: a type-1 hypervisor for lguest guests\n", HV_NAME,
	       HV_VERSION);
	printk("hv: booted by %s via %s\n",
	       boot_info.loader[0] ? boot_info.loader : "an unnamed loader",
	       boot_info.efi ? "UEFI" : "BIOS");
	printk("hv: cpu: %s family %u model %u stepping %u%s%s\n",
	       boot_cpu.vendor, boot_cpu.family, boot_cpu.model,
	       boot_cpu.stepping, boot_cpu.brand[0] ? " - " : "",
	       boot_cpu.brand);
	printk("hv: cpu features:");
	for (int f = 0; f < CPU_NR_FEATURES; f++)
		printk(" %s%s", cpu_has(f) ? "+" : "-", cpu_feature_name(f));
	printk("\n");
	printk("hv: tsc: %u.%03u MHz (%s)\n", tsc_khz() / 1000,
	       tsc_khz() % 1000,
	       cpu_has(CPU_TSC_INVARIANT) ? "invariant" : "not invariant");
	printk("hv: memory map (%s, %u entries%s):\n",
	       src[boot_info.mem_source], boot_info.nr_mem,
	       boot_info.mem_truncated ? ", truncated" : "");
	for (unsigned i = 0; i < boot_info.nr_mem; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		if (r->type == MEM_USABLE) {
			usable += r->len;
			if (r->base + r->len > DIRECT_MAP_SIZE)
				above += r->base + r->len -
					 (r->base > DIRECT_MAP_SIZE
						  ? r->base
						  : DIRECT_MAP_SIZE);
		}
		pr_debug("hv:   0x%09llx-0x%09llx %s\n",
			 (unsigned long long)r->base,
			 (unsigned long long)(r->base + r->len - 1),
			 mem_type_name(r->type));
	}
	if (boot_info.nr_efi_descriptors)
		printk("hv:   (UEFI map: %u descriptors)\n",
		       boot_info.nr_efi_descriptors);
	printk("hv: memory: %llu MiB usable, %u MiB managed, %u MiB free "
	       "(%u pages), largest free run %u MiB\n",
	       (unsigned long long)(usable >> 20), pmem.total_pages >> 8,
	       pmem.free_pages >> 8, pmem.free_pages,
	       pmem_largest_run(&pmem) >> 8);
	if (above)
		printk("hv: memory: %llu MiB of it lie above the %u MiB the "
		       "hypervisor maps, and are not used\n",
		       (unsigned long long)(above >> 20), DIRECT_MAP_SIZE >> 20);
	printk("hv: image %#x-%#x (at %#x), switcher at %#x, exits=%s\n",
	       virt_to_phys(__image_start), virt_to_phys(__image_end),
	       (unsigned)(uintptr_t)__image_start, SWITCHER_BASE,
	       hv_resident ? "resident" : "switch");
	printk("hv: modules: %u%s\n", boot_info.nr_mods,
	       boot_info.mods_truncated ? " (more were given and ignored)"
					: "");
	for (unsigned i = 0; i < boot_info.nr_mods; i++) {
		const struct boot_module *m = &boot_info.mods[i];
		printk("hv:   module %u: %u bytes at %#x '%s'\n", i,
		       m->end - m->start, m->start, m->string);
	}
	screen = (console_enabled() & CONSOLE_SCREEN) &&
		 console_present(CONSOLE_SCREEN);
	printk("hv: consoles: %s%s%s%s\n",
	       console_enabled() & CONSOLE_SERIAL ? "serial " : "",
	       screen ? "screen (" : "",
	       screen ? console_description(CONSOLE_SCREEN) : "",
	       screen ? ")" : "");
}

/* What the drivers need from the rooms above them (driver_env.h). */
static void *driver_pages(uint32_t count)
{
	return pages_alloc_contig(count, 1);
}

static const struct driver_env hv_driver_env = {
	.now_ns = time_now_ns,
	.alloc_pages = driver_pages,
	.map_mmio = paging_map_device,
};

void hv_main(uint32_t magic, uint32_t mbi_addr)
{
	/* The first processor holds the hypervisor lock from here on, except
	 * inside guests and asleep (docs/smp.md). */
	hvlock_take();
	uart_init(UART_COM1_PORT, UART_DEFAULT_BAUD);
	read_boot_info(magic, mbi_addr);
	apply_options();

	cpu_identify();
	cpu_init_control_regs();
	hv_pmem_init(&boot_info, mbi_addr);
	paging_init();
	paging_map_switcher(switcher_build_page_tables());
	switcher_init();
	choose_exits();
	/* ACPI's tables first: the MADT, HPET and FADT say which interrupt
	 * controller and clocks there are; drivers map their registers. */
	driver_env_set(&hv_driver_env);
	power_init(&hv_options, boot_info.rsdp, boot_info.rsdp_len);
	irq_init(hv_options.irqchip);
	time_init();
	smp_start(paging_host_cr3(), driver_pages);
	start_screen();
	uart_enable_rx_irq();
	irq_register(uart_irq(), uart_handle_irq);
	if (hv_options.keyboard && ps2kbd_init())
		irq_register(PS2KBD_IRQ, ps2kbd_handle_irq);

	print_banner();
	entropy_init();	  /* says which source the entropy devices use */
	guest_tsc_init(); /* says whether guests are told the TSC's rate */
	disk_timeout_ms = hv_options.disk_timeout_s * 1000;
	pci_host_scan();
	storage_init();
	net_init();

	if (hv_options.selftest[0] && !selftest_guest_mode(hv_options.selftest))
		hv_exit_machine(selftest_run(hv_options.selftest));

	nr_guest_configs =
		guests_parse(&boot_info, guest_configs, report_module);
	hv_run_guests(guest_configs, nr_guest_configs);
}
