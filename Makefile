# Makefile - builds the hypervisor (build/hv.elf), its bootable ISO
# (build/hv.iso) and our guest, and runs it all under QEMU.
#
#   make            hv.elf and a BIOS+UEFI hv.iso
#   make run        boot the ISO in QEMU, console on this terminal
#   make check      every test; ends with "N passed, N failed"
#   make check TEST=name   one test (unit or QEMU) by name
#   make iso HV_CMDLINE="..."   rebuild the ISO with other hypervisor options
#   make debug      QEMU paused with a gdb stub; see docs/debugging.md
#   make bench      benchmarks (see docs/performance.md)
#   make fuzz-guest SEED=n [CALLS=n]   the hypercall fuzzer guest, one long
#                   run (tests/fuzz-guest.sh; not in make check)
#   make soak [SOAK_MINUTES=10]   several busy guests at once, then all off:
#                   memory must come back (tests/soak.sh; not in make check)
#   make lab-list   the course labs (docs/labs/README.md); make lab-handout
#                   LAB=name DEST=dir writes a student's tree for one, make
#                   lab-check LAB=name [DIR=tree] runs its tests
#   make efi-image  build/hv-efi.img: boots on UEFI with no GRUB (hv.efi,
#                   boot/efi/efi.mk)
#   make deps       install the Debian packages all this needs
#   make clean
#
# SELFTEST=1 builds a test image (build/selftest/) that accepts selftest=.

SELFTEST ?= 0
ifeq ($(SELFTEST),1)
BUILD ?= build/selftest
else
BUILD ?= build
endif

CC := gcc
LD := ld
QEMU ?= qemu-system-i386
QEMU_ARGS ?=
QEMU_MEM ?= 256M
HV_CMDLINE ?= loglevel=info console=serial,screen
# Your own guest instead of ours: make iso GUEST_KERNEL=bzImage
# GUEST_INITRD=initrd.gz [GUEST_DISK=disk.img] [GUEST_CMDLINE="..."]
# [GUEST_MEM=128M] [GUEST_NAME=linux] (docs/linux-guest.md).
GUEST_KERNEL ?=
GUEST_INITRD ?=
GUEST_DISK ?=
GUEST_CMDLINE ?= console=hvc0
GUEST_MEM ?= 128M
GUEST_NAME ?= linux

# ---- The hypervisor: freestanding 32-bit, no FPU/SSE code, warnings fatal.
HV_CFLAGS := -m32 -march=i686 -std=gnu11 -O2 -g \
	-ffreestanding -fno-pie -fno-pic -fno-stack-protector \
	-fno-omit-frame-pointer -fno-strict-aliasing -fno-common \
	-fno-asynchronous-unwind-tables -mgeneral-regs-only -mno-red-zone \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -MMD -MP -I.
ifeq ($(SELFTEST),1)
HV_CFLAGS += -DHV_SELFTEST
endif
HV_LDFLAGS := -m elf_i386 -T linker.ld -z noexecstack --no-warn-rwx-segments \
	--fatal-warnings
HV_ASFLAGS := -m32 -g -D__ASSEMBLER__ -MMD -MP -I.
# libgcc supplies the 64-bit division helpers (__udivdi3 and friends).
LIBGCC := $(shell $(CC) -m32 -print-libgcc-file-name)

# Every .c and .S under the hypervisor's folders; headers are included by
# their path from the top of the tree (-I.), so an #include says where
# the file lives.
HV_SRCS := $(wildcard boot/*.S hv/*.c hv/*/*.c drivers/*.c switcher/*.S \
	switcher/*.c)
HV_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(HV_SRCS))

# The screen's font (drivers/font.h): one of Debian's console fonts
# (console-setup-linux), turned into C at build time.  Terminus, under
# the SIL Open Font License 1.1; docs/screen.md says why this one.
FONT_PSF ?= /usr/share/consolefonts/Lat15-Terminus16.psf.gz
HV_OBJS += $(BUILD)/obj/$(BUILD)/gen/font.c.o
$(BUILD)/gen/font.c: iso/psf2c.py $(FONT_PSF) | check-deps
	@mkdir -p $(dir $@)
	python3 iso/psf2c.py $(FONT_PSF) $@

.PHONY: all iso run check unit-tests qemu-tests debug bench clean deps \
	check-deps fuzz fuzz-merge check-linux bench-linux linux-initrd fuzz-guest \
	soak appliance-image appliance-iso
all: $(BUILD)/hv.elf $(BUILD)/hv.iso

$(BUILD)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(HV_ASFLAGS) -c $< -o $@

# Two links: the first without the symbol table, the second with the table
# generated from the first.  The table sits after the code (linker.ld), so
# no code address moves; the check below proves it.
$(BUILD)/hv.elf: $(HV_OBJS) linker.ld iso/gensyms.sh
	@mkdir -p $(BUILD)
	iso/gensyms.sh - $(BUILD)/hvsyms0.S
	$(CC) $(HV_ASFLAGS) -c $(BUILD)/hvsyms0.S -o $(BUILD)/hvsyms0.o
	$(LD) $(HV_LDFLAGS) -o $(BUILD)/hv.pass1.elf $(HV_OBJS) $(BUILD)/hvsyms0.o $(LIBGCC)
	iso/gensyms.sh $(BUILD)/hv.pass1.elf $(BUILD)/hvsyms.S
	$(CC) $(HV_ASFLAGS) -c $(BUILD)/hvsyms.S -o $(BUILD)/hvsyms.o
	$(LD) $(HV_LDFLAGS) -o $@.tmp $(HV_OBJS) $(BUILD)/hvsyms.o $(LIBGCC)
	@nm -n $(BUILD)/hv.pass1.elf | awk '$$2 ~ /^[tT]$$/ && $$3 != "__switcher_lma"' > $(BUILD)/syms1.txt
	@nm -n $@.tmp | awk '$$2 ~ /^[tT]$$/ && $$3 != "__switcher_lma"' > $(BUILD)/syms2.txt
	@cmp -s $(BUILD)/syms1.txt $(BUILD)/syms2.txt || \
		{ echo "code moved between links; symbol table would lie" >&2; exit 1; }
	@mv $@.tmp $@

# ---- Our guest (paravirt-guest/), built by its own makefile fragment,
# and the test guest (tests/guest/): that kernel with the tests' modes.
-include paravirt-guest/guest.mk
-include tests/guest/testguest.mk

# ---- hv.efi, the UEFI loader (boot/efi/), and make efi-image.
-include boot/efi/efi.mk

# ---- The ISO.  Modules are given as pairs: file, then module string.
ifneq ($(GUEST_KERNEL),)
ISO_MODULES ?= $(GUEST_KERNEL) 'kernel name=$(GUEST_NAME) mem=$(GUEST_MEM) -- $(GUEST_CMDLINE)' \
	$(if $(GUEST_INITRD),$(GUEST_INITRD) 'initrd') \
	$(if $(GUEST_DISK),$(GUEST_DISK) 'disk')
else
ISO_MODULES ?= $(DEFAULT_ISO_MODULES)
endif
$(BUILD)/hv.iso: $(BUILD)/hv.elf iso/mkiso.sh $(ISO_DEPS) | check-deps
	iso/mkiso.sh $@ $(BUILD)/hv.elf "$(HV_CMDLINE)" $(ISO_MODULES)

iso: $(BUILD)/hv.elf $(ISO_DEPS) check-deps
	iso/mkiso.sh $(BUILD)/hv.iso $(BUILD)/hv.elf "$(HV_CMDLINE)" $(ISO_MODULES)

QEMU_BASE := -nographic -no-reboot -m $(QEMU_MEM) \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

run: check-deps iso
	$(QEMU) $(QEMU_BASE) -cdrom $(BUILD)/hv.iso $(QEMU_ARGS) ; \
	rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 1 ] || { echo "QEMU exited with status $$rc"; exit $$rc; }

debug: check-deps iso
	@printf 'set architecture i386\nsymbol-file $(BUILD)/hv.elf\ntarget remote localhost:1234\nbreak hv_main\n' > $(BUILD)/gdbinit
	@echo "QEMU is paused with its gdb stub on localhost:1234."
	@echo "In another terminal:  gdb -x $(BUILD)/gdbinit   (then 'continue')"
	$(QEMU) $(QEMU_BASE) -cdrom $(BUILD)/hv.iso -s -S $(QEMU_ARGS)

# ---- Tests.
check: check-deps
	@tests/run-all.sh $(if $(TEST),--only $(TEST))

bench: check-deps
	@tests/bench.sh

# FUZZ_SECONDS=N per target; FUZZ_TARGETS="pci multiboot" picks some.
fuzz: check-deps
	@tests/fuzz.sh $(FUZZ_TARGETS)

# The same, then minimize the new inputs into tests/fuzz/corpus (to commit).
fuzz-merge: check-deps
	@FUZZ_MERGE=1 tests/fuzz.sh $(FUZZ_TARGETS)

# The hypercall fuzzer guest and the soak: long runs, outside make check.
SEED ?=
CALLS ?= 1000000
SOAK_MINUTES ?= 10
fuzz-guest: check-deps
	@tests/fuzz-guest.sh "$(SEED)" "$(CALLS)"

soak: check-deps
	@SOAK_MINUTES=$(SOAK_MINUTES) tests/soak.sh

# ---- Dependencies: Debian packages for building, the ISO and the tests.
DEPS_PKGS := gcc gcc-multilib make binutils linux-libc-dev libc6-dev \
	qemu-system-x86 grub-common grub-pc-bin grub-efi-amd64-bin xorriso \
	mtools ovmf libcmocka-dev gdb python3 gdisk fdisk e2fsprogs \
	tesseract-ocr console-setup-linux
# newlib's sources, built into our guest's user programs' C library
# (paravirt-guest/user/newlib/build.sh).
DEPS_PKGS += newlib-source
DEPS_PKGS += gnu-efi

deps:
	@tests/deps.sh install $(DEPS_PKGS)

check-deps:
	@tests/deps.sh check $(DEPS_PKGS)

clean:
	rm -rf build

-include $(HV_OBJS:.o=.d)

# ---- Linux guests: the user brings the kernel (docs/linux-guest.md).
check-linux:
	@tests/linux/check-linux.sh

bench-linux:
	@tests/linux/bench-linux.sh

# ---- An appliance (docs/appliance.md): one GPT disk for two guests, and
# an ISO that boots them from it (the Linux guest if LINUX_BZIMAGE is set).
appliance-image: check-deps guest-images
	iso/mkappliance.sh build/appliance.img

APPLIANCE_LINUX_MODULES = $(if $(LINUX_BZIMAGE),$(LINUX_BZIMAGE) \
	'kernel name=linux mem=128M disk=label:linux -- console=hvc0 root=/dev/vda rw')
appliance-iso: check-deps $(BUILD)/hv.elf guest-images
	iso/mkiso.sh build/appliance.iso $(BUILD)/hv.elf "$(HV_CMDLINE)" \
		$(PV_GUEST) 'kernel name=pv mem=32M disk=label:pvfs -- shell' \
		$(APPLIANCE_LINUX_MODULES)

# ---- A busybox initramfs for Linux guests, from Debian's busybox-static:i386.
linux-initrd:
	@tests/linux/mkinitrd.sh build/linux/initrd.gz

# ---- The course labs (docs/labs/README.md): list them, make a student's
# tree for one, run one's tests (in this tree, or DIR=another, such as a
# handout being worked on).
LAB ?=
DEST ?=
DIR ?=
.PHONY: lab-list lab-handout lab-check
lab-list:
	@tests/labs/labs.py list

lab-handout:
	@[ -n "$(LAB)" ] && [ -n "$(DEST)" ] || \
		{ echo "usage: make lab-handout LAB=name DEST=dir (make lab-list)"; exit 2; }
	@tests/labs/handout.py $(LAB) $(DEST)

lab-check: check-deps
	@[ -n "$(LAB)" ] || { echo "usage: make lab-check LAB=name [DIR=tree]"; exit 2; }
	@tests/labs/labs.py check $(LAB) $(DIR)
