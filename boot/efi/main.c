/*
 * main.c - [Uefi 1] hv.efi: boot the hypervisor from UEFI with no GRUB.
 *
 * The firmware starts us as an ordinary EFI application (the fallback
 * path \EFI\BOOT\BOOTX64.EFI of a USB stick, or a boot entry).  In the
 * order it happens:
 *
 *   1. read hv.cfg from our own folder and check all of it (hvcfg.c);
 *   2. load hv.elf: each PT_LOAD segment goes to its physical address,
 *      whose pages are taken with AllocateAddress so no firmware memory
 *      is overwritten, or, where the firmware keeps only boot-time data,
 *      overwritten after boot services end; if the firmware holds them
 *      for good we stop and say who holds them (the hypervisor is
 *      linked to run there);
 *   3. load each module into pages below 448 MiB (page-aligned, as the
 *      hypervisor's Multiboot2 header asks);
 *   4. take the GOP framebuffer, the ACPI RSDP and the system table;
 *   5. allocate room for the information block and the memory map, the
 *      last allocations, then get the map and exit boot services;
 *   6. write the information block (mbi.c) and leave long mode for the
 *      hypervisor's _start (handoff.S), which copies the segments into
 *      place on the way.
 *
 * Any problem before step 5 is printed on the screen (ConOut, which
 * OVMF also copies to the serial port) with the line of
 * hv.cfg it concerns and the reason; we wait for a key or 10 s, free what
 * we took and return an error to the firmware.  Nothing was started.
 *
 * This is a separate program from the hypervisor: 64-bit, built with
 * GNU-EFI, and of the hypervisor's headers it includes only the
 * Multiboot2 facts (tests/checks/layout.py holds it to that).
 */
#include <efi.h>
#include <efilib.h>

#include "boot/efi/efimap.h"
#include "boot/efi/elfseg.h"
#include "boot/efi/hvcfg.h"
#include "boot/efi/mbi.h"

#define PAGE 4096u
#define PAGES(n) (((n) + PAGE - 1) / PAGE)
#define BELOW_4G 0xFFFFFFFFull
/* What the hypervisor reads (the modules, the boot information) must lie
 * in its direct map, the first 448 MiB of physical memory
 * (DIRECT_MAP_SIZE, hv/include/layout.h, which this program may not
 * include; the hypervisor says so by name if the two disagree). */
#define HV_READABLE_TOP (0x1C000000ull - 1)
#define MODULE_TOP HV_READABLE_TOP
#define ERROR_WAIT_100NS (10 * 10000000ull) /* 10 s in UEFI's units */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct hvcfg cfg; /* 40 KiB: too big for the firmware's stack */
static struct mbi_module mods[HVCFG_MAX_MODULES];
static EFI_FILE_HANDLE root;
static CHAR16 folder[256]; /* our folder on the ESP, "\EFI\BOOT" */

/* Every page range we took, given back if we stop: the modules, the
 * hypervisor's segments (with room for the free pieces of targets the
 * firmware holds), its staging copy, handoff.S, the map and the block.
 * Past the array's end a range is still taken, only not given back. */
static struct {
	EFI_PHYSICAL_ADDRESS base;
	UINTN pages;
} taken[HVCFG_MAX_MODULES + 4 * ELFSEG_MAX + 8];
static unsigned nr_taken;

static EFI_STATUS take_pages(EFI_ALLOCATE_TYPE how, EFI_MEMORY_TYPE type,
			     UINTN pages, EFI_PHYSICAL_ADDRESS *addr)
{
	EFI_STATUS st =
		uefi_call_wrapper(BS->AllocatePages, 4, how, type, pages, addr);

	if (!EFI_ERROR(st) && nr_taken < ARRAY_SIZE(taken)) {
		taken[nr_taken].base = *addr;
		taken[nr_taken].pages = pages;
		nr_taken++;
	}
	return st;
}

/* Nothing is started: say so, give the user time to read the screen,
 * and give the firmware its memory back. */
static EFI_STATUS stop(EFI_STATUS st)
{
	Print(L"hv.efi: nothing was started.  Press a key to return to the "
	      L"firmware (or wait 10 seconds).\r\n");
	uefi_call_wrapper(ST->ConIn->Reset, 2, ST->ConIn, FALSE);
	if (WaitForSingleEvent(ST->ConIn->WaitForKey, ERROR_WAIT_100NS) ==
	    EFI_SUCCESS) {
		EFI_INPUT_KEY key; /* taken, so the firmware does not see it */
		uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &key);
	}
	while (nr_taken--)
		uefi_call_wrapper(BS->FreePages, 2, taken[nr_taken].base,
				  taken[nr_taken].pages);
	return EFI_ERROR(st) ? st : EFI_LOAD_ERROR;
}

/* "where": "hv.cfg line 3" or "hv.cfg" (line 0). */
static void print_where(unsigned line)
{
	if (line)
		Print(L"hv.efi: hv.cfg line %d: ", line);
	else
		Print(L"hv.efi: hv.cfg: ");
}

/* Our folder, from the file path the firmware loaded us by. */
static void find_folder(EFI_LOADED_IMAGE *self)
{
	CHAR16 *path = DevicePathToStr(self->FilePath);
	UINTN cut = 0;

	folder[0] = 0;
	if (!path)
		return;
	for (UINTN i = 0; path[i] && i < ARRAY_SIZE(folder) - 1; i++) {
		folder[i] = path[i] == L'/' ? L'\\' : path[i];
		if (folder[i] == L'\\')
			cut = i;
		folder[i + 1] = 0;
	}
	folder[cut] = 0;
	FreePool(path);
}

/* Open a file named in hv.cfg: relative to our folder, or with a leading
 * slash to the partition's root. */
static EFI_STATUS open_file(const char *name, EFI_FILE_HANDLE *fh)
{
	static CHAR16 path[ARRAY_SIZE(folder) + HVCFG_NAME_MAX + 1];
	UINTN at = 0;

	if (name[0] != '/' && name[0] != '\\') {
		for (UINTN i = 0; folder[i]; i++)
			path[at++] = folder[i];
		path[at++] = L'\\';
	}
	for (UINTN i = 0; name[i]; i++)
		path[at++] = name[i] == '/' ? L'\\' : (CHAR16)name[i];
	path[at] = 0;
	return uefi_call_wrapper(root->Open, 5, root, fh, path,
				 EFI_FILE_MODE_READ, 0);
}

/* Read all of an open file into buf (size bytes). */
static EFI_STATUS read_all(EFI_FILE_HANDLE fh, void *buf, UINT64 size)
{
	UINT64 done = 0;

	while (done < size) {
		UINTN n = size - done;
		EFI_STATUS st = uefi_call_wrapper(fh->Read, 3, fh, &n,
						  (UINT8 *)buf + done);
		if (EFI_ERROR(st))
			return st;
		if (n == 0)
			return EFI_END_OF_FILE; /* shorter than it said */
		done += n;
	}
	return EFI_SUCCESS;
}

/*
 * Load a file named on hv.cfg line `line`.  With max_size, into pool
 * memory (hv.cfg, hv.elf: read, then copied where they belong);
 * otherwise into pages below 448 MiB that stay the module's.  Every
 * failure is printed here, naming the file.
 */
static bool load_file(const char *name, unsigned line, UINT64 max_size,
		      void **data, UINT64 *size)
{
	EFI_FILE_HANDLE fh;
	EFI_FILE_INFO *info;
	EFI_PHYSICAL_ADDRESS addr = MODULE_TOP;
	EFI_STATUS st = open_file(name, &fh);

	if (EFI_ERROR(st)) {
		print_where(line);
		Print(L"cannot open %a in %s: %r\r\n", name,
		      name[0] == '/' ? L"the partition's root" : folder, st);
		return false;
	}
	info = LibFileInfo(fh);
	if (!info) {
		print_where(line);
		Print(L"cannot read the size of %a\r\n", name);
		uefi_call_wrapper(fh->Close, 1, fh);
		return false;
	}
	*size = info->FileSize;
	FreePool(info);
	if (max_size && *size > max_size) {
		print_where(line);
		Print(L"%a is %ld bytes, more than the %ld it may have\r\n",
		      name, *size, max_size);
		uefi_call_wrapper(fh->Close, 1, fh);
		return false;
	}
	if (max_size) {
		*data = AllocatePool(*size ? *size : 1);
		st = *data ? EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
	} else {
		st = take_pages(AllocateMaxAddress, EfiLoaderData,
				PAGES(*size) ? PAGES(*size) : 1, &addr);
		*data = (void *)(UINTN)addr;
	}
	if (EFI_ERROR(st)) {
		print_where(line);
		Print(L"not enough memory below 448 MiB for %a (%ld bytes): "
		      L"%r\r\n",
		      name, *size, st);
		uefi_call_wrapper(fh->Close, 1, fh);
		return false;
	}
	st = read_all(fh, *data, *size);
	uefi_call_wrapper(fh->Close, 1, fh);
	if (EFI_ERROR(st)) {
		print_where(line);
		Print(L"reading %a failed: %r\r\n", name, st);
		return false;
	}
	return true;
}

/* Who holds the pages at addr?  Said when AllocateAddress refuses:
 * the firmware's own memory, or no RAM at all in its map. */
static void print_holder(EFI_PHYSICAL_ADDRESS addr, UINTN pages)
{
	UINTN entries, key, dsize;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map =
		LibMemoryMap(&entries, &key, &dsize, &dver);
	bool told = false;

	for (UINTN i = 0; map && i < entries; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((UINT8 *)map + i * dsize);
		EFI_PHYSICAL_ADDRESS end =
			d->PhysicalStart + d->NumberOfPages * PAGE;

		if (d->Type != EfiConventionalMemory &&
		    d->PhysicalStart < addr + pages * PAGE && end > addr) {
			Print(L"hv.efi:   0x%lx-0x%lx is held by the firmware "
			      L"(EFI memory type %d)\r\n",
			      d->PhysicalStart, end - 1, d->Type);
			told = true;
		}
	}
	if (map && !told)
		Print(L"hv.efi:   in the firmware's memory map, some of it is "
		      L"not RAM at all\r\n");
	if (map)
		FreePool(map);
}

/*
 * The copies handoff.S makes once paging is off: each segment from its
 * staging pages to its physical address, then its zeros; an entry with
 * memsz 0 ends the table.  The layout is handoff.S's (HANDOFF_COPY_*).
 */
struct handoff_copy {
	uint32_t dst, src, filesz, memsz;
};
static struct handoff_copy copies[ELFSEG_MAX + 1];

/*
 * Make [first, first + pages) ours: taken outright if the firmware gives
 * it, or else, if all of it is free or only the firmware's boot-time
 * memory (efimap.c), its free parts taken (so no later allocation lands
 * there) and the rest left to be overwritten after ExitBootServices().
 */
static bool reserve_target(uint32_t first, UINTN pages)
{
	EFI_PHYSICAL_ADDRESS at = first, end = first + pages * PAGE;
	UINTN entries, key, dsize;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map;
	EFI_STATUS st = take_pages(AllocateAddress, EfiLoaderCode, pages, &at);
	bool ok;

	if (!EFI_ERROR(st))
		return true;
	map = LibMemoryMap(&entries, &key, &dsize, &dver);
	ok = map && efimap_reclaimable(map, entries * dsize, dsize, first, end);
	for (UINTN i = 0; ok && i < entries; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((UINT8 *)map + i * dsize);
		EFI_PHYSICAL_ADDRESS lo = d->PhysicalStart,
				     hi = lo + d->NumberOfPages * PAGE;

		if (d->Type != EfiConventionalMemory || hi <= first ||
		    lo >= end)
			continue;
		at = lo > first ? lo : first;
		hi = hi < end ? hi : end;
		ok = !EFI_ERROR(take_pages(AllocateAddress, EfiLoaderData,
					   (hi - at) / PAGE, &at));
	}
	if (map)
		FreePool(map);
	if (ok) {
		Print(L"hv.efi: 0x%x-0x%lx is the firmware's until boot "
		      L"services end; %a goes there after that\r\n",
		      first, end - 1, cfg.hv_file);
		return true;
	}
	print_where(cfg.hv_line);
	Print(L"%a must be loaded at 0x%x-0x%lx, and the firmware will not "
	      L"give those pages: %r\r\n",
	      cfg.hv_file, first, end - 1, st);
	print_holder(first, pages);
	return false;
}

/*
 * Step 2: hv.elf.  Its segments' pages are reserved first, all of them,
 * so that nothing allocated afterwards (the staging copy, the modules,
 * the information block) can land where the hypervisor will be.  The
 * file then goes to staging pages below 4 GiB, and handoff.S moves each
 * segment into place at the very end, when paging is off and the
 * firmware is gone: the one way to place it over the firmware's
 * boot-time memory, and one path whether or not that was needed.
 */
static bool load_hypervisor(uint32_t *entry)
{
	struct elfseg_image img;
	const char *why;
	void *file;
	UINT64 size;
	EFI_PHYSICAL_ADDRESS staging = BELOW_4G;
	uint32_t next_page = 0; /* segments may share a page: take it once */

	if (!load_file(cfg.hv_file, cfg.hv_line, 64 << 20, &file, &size))
		return false;
	if (!elfseg_read(file, size, &img, &why)) {
		print_where(cfg.hv_line);
		Print(L"%a is not a hypervisor we can load: %a\r\n",
		      cfg.hv_file, why);
		FreePool(file);
		return false;
	}
	for (unsigned i = 0; i < img.nr_seg; i++) {
		const struct elfseg *s = &img.seg[i];
		uint32_t first = s->paddr & ~(PAGE - 1);
		uint64_t end = (uint64_t)s->paddr + s->memsz;

		if (first < next_page)
			first = next_page;
		if (end > first && !reserve_target(first, PAGES(end - first))) {
			FreePool(file);
			return false;
		}
		if (end > first)
			next_page = first + PAGES(end - first) * PAGE;
	}
	if (EFI_ERROR(take_pages(AllocateMaxAddress, EfiLoaderData, PAGES(size),
				 &staging))) {
		print_where(cfg.hv_line);
		Print(L"not enough memory below 4 GiB for %a\r\n", cfg.hv_file);
		FreePool(file);
		return false;
	}
	CopyMem((void *)(UINTN)staging, file, size);
	FreePool(file);
	for (unsigned i = 0; i < img.nr_seg; i++) {
		copies[i].dst = img.seg[i].paddr;
		copies[i].src = (uint32_t)staging + img.seg[i].offset;
		copies[i].filesz = img.seg[i].filesz;
		copies[i].memsz = img.seg[i].memsz;
	}
	*entry = img.entry;
	return true;
}

/* Step 3: the modules, in pages of their own below 448 MiB. */
static bool load_modules(void)
{
	for (unsigned i = 0; i < cfg.nr_mods; i++) {
		void *data;
		UINT64 size;

		if (!load_file(cfg.mods[i].file, cfg.mods[i].line, 0, &data,
			       &size))
			return false;
		mods[i].start = (uint32_t)(UINTN)data;
		mods[i].end = mods[i].start + (uint32_t)size;
		mods[i].string = cfg.mods[i].string;
	}
	return true;
}

/* Step 4: the GOP mode in use, as Multiboot2 describes an RGB
 * framebuffer.  Blt-only means no linear framebuffer at all. */
static bool find_framebuffer(struct mbi_framebuffer *fb)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi;
	EFI_PIXEL_BITMASK *m;
	uint32_t all;

	if (EFI_ERROR(LibLocateProtocol(&GraphicsOutputProtocol,
					(void **)&gop)) ||
	    !gop || !gop->Mode || !gop->Mode->Info) {
		Print(L"hv.efi: this machine has no graphics output "
		      L"(GOP)\r\n");
		return false;
	}
	mi = gop->Mode->Info;
	fb->addr = gop->Mode->FrameBufferBase;
	fb->width = mi->HorizontalResolution;
	fb->height = mi->VerticalResolution;
	fb->bpp = 32;
	switch (mi->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor: /* bytes R, G, B, x */
		fb->red_pos = 0, fb->green_pos = 8, fb->blue_pos = 16;
		fb->red_size = fb->green_size = fb->blue_size = 8;
		break;
	case PixelBlueGreenRedReserved8BitPerColor: /* bytes B, G, R, x */
		fb->blue_pos = 0, fb->green_pos = 8, fb->red_pos = 16;
		fb->red_size = fb->green_size = fb->blue_size = 8;
		break;
	case PixelBitMask:
		m = &mi->PixelInformation;
		all = m->RedMask | m->GreenMask | m->BlueMask | m->ReservedMask;
		for (fb->bpp = 32; fb->bpp > 8 && !(all >> (fb->bpp - 8));)
			fb->bpp -= 8;
		if (mbi_mask_field(m->RedMask, &fb->red_pos, &fb->red_size) &&
		    mbi_mask_field(m->GreenMask, &fb->green_pos,
				   &fb->green_size) &&
		    mbi_mask_field(m->BlueMask, &fb->blue_pos, &fb->blue_size))
			break;
		/* Masks no Multiboot2 field can describe. */
		__attribute__((fallthrough));
	default:
		Print(L"hv.efi: the display's mode (GOP pixel format %d) has "
		      L"no linear framebuffer the hypervisor can use\r\n",
		      mi->PixelFormat);
		return false;
	}
	fb->pitch = mi->PixelsPerScanLine * (fb->bpp / 8);
	return true;
}

static void find_acpi(struct mbi_input *in)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
	void *old = NULL, *new = NULL;

	LibGetSystemConfigurationTable(&AcpiTableGuid, &old);
	LibGetSystemConfigurationTable(&acpi20, &new);
	in->rsdp_old = old;
	in->rsdp_new = new;
	if (new) {
		/* The 2.0 RSDP says how long it is; 36 bytes in practice. */
		UINT32 len = *(UINT32 *)((UINT8 *)new + 20);
		in->rsdp_new_len = len >= 36 && len <= 64 ? len : 36;
	}
}

/*
 * Step 5: the memory map, then ExitBootServices() with its key.  The
 * map must be the one the firmware holds at that moment, so nothing may
 * be allocated between the two calls; the buffer was allocated before.
 * The firmware may still change the map (an event of its own) and
 * refuse the key with EFI_INVALID_PARAMETER: then, as the UEFI
 * specification asks, get the map again and retry; from then on only
 * GetMemoryMap() and ExitBootServices() may be called.
 */
static EFI_STATUS exit_boot_services(EFI_HANDLE image, void *map, UINTN room,
				     struct mbi_input *in)
{
	EFI_STATUS st = EFI_INVALID_PARAMETER;

	for (int tries = 0; tries < 8 && st == EFI_INVALID_PARAMETER; tries++) {
		UINTN size = room, key, dsize;
		UINT32 dver;

		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key,
				       &dsize, &dver);
		if (EFI_ERROR(st))
			return st;
		in->efi_map_size = size;
		in->efi_desc_size = dsize;
		in->efi_desc_version = dver;
		st = uefi_call_wrapper(BS->ExitBootServices, 2, image, key);
	}
	return st;
}

extern const UINT8 handoff_start[], handoff_end[];
/* Where in handoff.S's page the copy table goes: after the code. */
#define HANDOFF_TABLE 2048

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	static struct mbi_input in;
	struct hvcfg_error err;
	EFI_LOADED_IMAGE *self;
	EFI_PHYSICAL_ADDRESS mbi = HV_READABLE_TOP, map = BELOW_4G,
			     code = BELOW_4G;
	UINTN map_room = 0, key, dsize, mbi_room;
	UINT32 dver;
	uint32_t entry;
	void *text, *table;
	UINT64 size;
	EFI_STATUS st;

	InitializeLib(image, systab);
	Print(L"hv.efi: loading the hypervisor\r\n");
	st = uefi_call_wrapper(BS->HandleProtocol, 3, image,
			       &LoadedImageProtocol, (void **)&self);
	if (EFI_ERROR(st) || !(root = LibOpenRoot(self->DeviceHandle))) {
		Print(L"hv.efi: cannot open the partition we were loaded "
		      L"from: %r\r\n",
		      st);
		return stop(st);
	}
	find_folder(self);

	/* Step 1: hv.cfg, all of it checked before anything is loaded. */
	if (!load_file("hv.cfg", 0, HVCFG_FILE_MAX, &text, &size))
		return stop(EFI_NOT_FOUND);
	if (!hvcfg_parse(text, size, &cfg, &err)) {
		print_where(err.line);
		Print(L"%a\r\n", err.reason);
		FreePool(text);
		return stop(EFI_INVALID_PARAMETER);
	}
	FreePool(text);

	if (!load_hypervisor(&entry) || !load_modules())
		return stop(EFI_LOAD_ERROR);
	/* A machine with no usable display (a headless server, a serial
	 * console only) still boots: the hypervisor then prints to the
	 * serial port alone, as it does under GRUB there. */
	in.has_fb = find_framebuffer(&in.fb);
	if (!in.has_fb)
		Print(L"hv.efi: going on without a screen: the hypervisor "
		      L"will use the serial port only\r\n");
	find_acpi(&in);
	in.cmdline = cfg.hv_cmdline;
	in.loader = "hv.efi";
	in.mods = mods;
	in.nr_mods = cfg.nr_mods;
	in.efi_system_table = (UINTN)systab;

	/* The last allocations: a page for handoff.S, room for the map
	 * (it grows by what we allocate now, and a few descriptors more),
	 * and the information block. */
	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &map_room, NULL, &key,
			       &dsize, &dver);
	map_room += 16 * dsize;
	in.efi_desc_size = dsize;
	mbi_room = mbi_size_bound(&in, map_room);
	if (EFI_ERROR(
		    take_pages(AllocateMaxAddress, EfiLoaderCode, 1, &code)) ||
	    EFI_ERROR(take_pages(AllocateMaxAddress, EfiLoaderData,
				 PAGES(map_room), &map)) ||
	    EFI_ERROR(take_pages(AllocateMaxAddress, EfiLoaderData,
				 PAGES(mbi_room), &mbi))) {
		Print(L"hv.efi: not enough memory below 448 MiB for the boot "
		      L"information\r\n");
		return stop(EFI_OUT_OF_RESOURCES);
	}
	/* handoff.S, and after it the table of its copies. */
	if (handoff_end - handoff_start > HANDOFF_TABLE) {
		Print(L"hv.efi: handoff.S outgrew its half page (a bug)\r\n");
		return stop(EFI_LOAD_ERROR);
	}
	CopyMem((void *)(UINTN)code, (void *)handoff_start,
		handoff_end - handoff_start);
	table = (void *)(UINTN)(code + HANDOFF_TABLE);
	CopyMem(table, copies, sizeof(copies));
	Print(L"hv.efi: starting %a (entry 0x%x) with %d modules\r\n",
	      cfg.hv_file, entry, cfg.nr_mods);

	st = exit_boot_services(image, (void *)(UINTN)map, map_room, &in);
	if (EFI_ERROR(st)) {
		/* Boot services may be half gone: say it if we still can. */
		Print(L"hv.efi: the firmware refused ExitBootServices: %r\r\n",
		      st);
		return stop(st);
	}
	/* From here on the firmware is gone but for its runtime services:
	 * no more printing, no allocations. */
	__asm__ volatile("cli");
	in.efi_map = (void *)(UINTN)map;
	if (mbi_build((void *)(UINTN)mbi, PAGES(mbi_room) * PAGE, &in)) {
		((void (*)(UINT64, UINT64, UINT64))(UINTN)code)(entry, mbi,
								(UINTN)table);
	}
	/* The bound was wrong (a bug): nowhere to report it, so stop. */
	for (;;)
		__asm__ volatile("hlt");
}
