/*
 * hvcfg.h - hv.cfg, the configuration hv.efi reads: which hypervisor to
 * start with which options, and which modules with which strings.
 *
 * The words are GRUB's (docs/boot-config.md, "Booting without GRUB"):
 *
 *	# a comment
 *	multiboot2 hv.elf loglevel=info console=serial,vga
 *	module2 pvguest.elf kernel name=pv0 mem=32M -- shell
 *	module2 disk.img disk
 *
 * hvcfg_parse() is pure: text in, a struct out, or the first error with
 * its line number.  It needs nothing from the firmware, so the unit tests
 * and the fuzzer run it on the host as hv.efi runs it under UEFI.
 */
#ifndef HV_BOOT_EFI_HVCFG_H
#define HV_BOOT_EFI_HVCFG_H

#include <stdbool.h>
#include <stddef.h>

#define HVCFG_FILE_MAX 65536   /* the biggest hv.cfg we read */
#define HVCFG_LINE_MAX 2400    /* a line, without its end */
#define HVCFG_NAME_MAX 128     /* a file name on the ESP */
#define HVCFG_CMDLINE_MAX 1024 /* the hypervisor's options (BOOT_CMDLINE_MAX) */
#define HVCFG_STRING_MAX 2304  /* a module string (BOOT_MODULE_STRING_MAX) */
#define HVCFG_MAX_MODULES 16 /* what the hypervisor keeps (BOOT_MAX_MODULES) */

struct hvcfg_module {
	char file[HVCFG_NAME_MAX];
	char string[HVCFG_STRING_MAX]; /* words joined by single spaces */
	unsigned line;		       /* where it was named, for messages */
};

struct hvcfg {
	char hv_file[HVCFG_NAME_MAX];
	char hv_cmdline[HVCFG_CMDLINE_MAX];
	unsigned hv_line;
	struct hvcfg_module mods[HVCFG_MAX_MODULES];
	unsigned nr_mods;
};

struct hvcfg_error {
	unsigned line; /* 1-based; 0 when the file as a whole is wrong */
	char reason[160];
};

/* Parse `len` bytes of hv.cfg into *cfg.  Returns true, or false with the
 * first problem in *err (the line and a one-line reason). */
bool hvcfg_parse(const char *text, size_t len, struct hvcfg *cfg,
		 struct hvcfg_error *err);

#endif
