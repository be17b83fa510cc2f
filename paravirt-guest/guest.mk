# guest.mk - builds our paravirtualized guest, pvguest.elf, from
# paravirt-guest/.  Included by the top Makefile, which supplies BUILD and CC.
#
# The guest is a separate program from the hypervisor, with its own flags:
# it is a 32-bit kernel that runs in ring 1 under the lguest ABI.  Like the
# hypervisor it uses no FPU or SSE code of the compiler's making: the
# registers belong to the user process that runs (fpu.c saves and loads
# them at each switch), and its FPU tests use them by hand, in asm, and
# must know nothing else touches them.  The user programs may use them.
#
# Its user programs (paravirt-guest/user/) are built first: each is linked
# alone at 0x08048000 with newlib's C library, flattened to bare bytes,
# and included in the kernel image by progs.S.  They also go, with the
# files of paravirt-guest/disk/, onto a disk image with our file system
# (pvfs_format.h), made by a host tool, mkpvfs (paravirt-guest/tools/):
# disk.img (4 MiB), the default disk.
#
# The test guest (tests/guest/testguest.mk, included after this file)
# links these same objects, all but main.c.o, with the tests' modes, and
# uses the variables and rules here for its own user programs.

PV_GUEST := $(BUILD)/guest/pvguest.elf
USER_DIR := $(BUILD)/guest/user

GUEST_CFLAGS := -m32 -march=i686 -std=gnu11 -O2 -g \
	-ffreestanding -fno-pie -fno-pic -fno-stack-protector \
	-fno-omit-frame-pointer -fno-strict-aliasing -fno-common \
	-fno-asynchronous-unwind-tables -fno-delete-null-pointer-checks \
	-mgeneral-regs-only -mno-red-zone \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -MMD -MP -I.
GUEST_ASFLAGS := -m32 -g -D__ASSEMBLER__ -MMD -MP -I.
GUEST_LDFLAGS := -m elf_i386 -T paravirt-guest/guest.ld -z noexecstack \
	--fatal-warnings
# 64-bit division (printf, the benchmarks) comes from libgcc.
GUEST_LIBGCC := $(shell $(CC) -m32 -print-libgcc-file-name)

GUEST_SRCS := $(wildcard paravirt-guest/*.S paravirt-guest/*.c)
GUEST_OBJS := $(patsubst paravirt-guest/%,$(BUILD)/guest/%.o,$(GUEST_SRCS))

# newlib, the user programs' C library: Debian's newlib-source, built by
# user/newlib/build.sh into build/newlib once (its stamp file says so; a
# minute, README.md), for every build directory (SELFTEST=1 too), and
# again only when the script changes.
NEWLIB_TARBALL := /usr/src/newlib/newlib-3.3.0.tar.xz
NEWLIB_DIR := build/newlib
NEWLIB_STAMP := $(NEWLIB_DIR)/stamp
NEWLIB_LIBC := $(NEWLIB_DIR)/lib/libc.a
NEWLIB_LIBM := $(NEWLIB_DIR)/lib/libm.a
# The machine's gcc says __linux__ and __unix__; newlib and its headers,
# so told, would expect Linux beneath them (64-bit file calls, its
# reentrancy scheme).  Our guest is not Linux.
NEWLIB_CPPFLAGS := -U__linux__ -U__gnu_linux__ -Ulinux -U__unix__ -U__unix \
	-Uunix

$(NEWLIB_STAMP): paravirt-guest/user/newlib/build.sh | check-deps
	paravirt-guest/user/newlib/build.sh $(NEWLIB_TARBALL) $(NEWLIB_DIR) \
		"$(NEWLIB_CPPFLAGS)"

# User programs: the same compiler rules, hosted on newlib's headers
# instead of freestanding, and no kernel headers but sysnum.h.  They may
# use the FPU (the kernel keeps each process's registers), so the compiler
# may too: doubles in x87 registers, as newlib's own code does.  Our main()
# takes one number (exec.c), which a hosted compiler would warn about.  A
# section for each function, as newlib has, so that the link keeps only
# the system calls a program uses (--gc-sections).
USER_CFLAGS := $(filter-out -Wmissing-prototypes -ffreestanding \
	-mgeneral-regs-only,\
	$(GUEST_CFLAGS)) $(NEWLIB_CPPFLAGS) -Wno-main -ffunction-sections \
	-fdata-sections -Iparavirt-guest -nostdinc \
	-isystem $(NEWLIB_DIR)/include \
	-isystem $(shell $(CC) -m32 -print-file-name=include)
USER_LDFLAGS := -m elf_i386 -T paravirt-guest/user/user.ld -z noexecstack \
	--no-warn-rwx-segments --fatal-warnings --gc-sections
USER_NAMES := $(shell sed -n 's/^PROG(\(.*\))$$/\1/p' paravirt-guest/user/progs.def)
USER_BINS := $(USER_NAMES:%=$(USER_DIR)/%.bin)
# The start, the guest's own calls, and the system calls under newlib.
USER_LIB := $(USER_DIR)/crt0.S.o $(USER_DIR)/ulib.c.o $(USER_DIR)/syscalls.c.o
USER_LIBS := --start-group $(NEWLIB_LIBC) $(NEWLIB_LIBM) $(GUEST_LIBGCC) \
	--end-group

$(BUILD)/guest/%.c.o: paravirt-guest/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/%.S.o: paravirt-guest/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c $< -o $@

# early.c runs before our page tables exist, where a call the compiler
# invents (memset for a zeroing loop) would be one more thing to get right.
$(BUILD)/guest/early.c.o: GUEST_CFLAGS += -fno-tree-loop-distribute-patterns

# progs.S pulls in the user programs' bytes with .incbin.
$(BUILD)/guest/progs.S.o: GUEST_ASFLAGS += -Wa,-I,$(USER_DIR)
$(BUILD)/guest/progs.S.o: $(USER_BINS)

$(USER_DIR)/%.c.o: paravirt-guest/user/%.c $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(USER_DIR)/%.S.o: paravirt-guest/user/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(USER_DIR)/%.elf: $(USER_DIR)/%.c.o $(USER_LIB) paravirt-guest/user/user.ld
	$(LD) $(USER_LDFLAGS) -o $@ $(USER_LIB) $< $(USER_LIBS)

$(USER_DIR)/%.bin: $(USER_DIR)/%.elf
	objcopy -O binary $< $@

.PRECIOUS: $(USER_DIR)/%.elf $(USER_DIR)/%.c.o

# The disk images.  mkpvfs runs here, on the build machine, so it is
# compiled for it, without the guest's flags.
MKPVFS := $(BUILD)/guest/mkpvfs
DISK_IMG := $(BUILD)/guest/disk.img
DISK_FILES := $(wildcard paravirt-guest/disk/*)
DISK_CONTENTS := $(foreach n,$(USER_NAMES),$(n)=$(USER_DIR)/$(n).bin) \
	$(foreach f,$(DISK_FILES),$(notdir $(f))=$(f))
HOST_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror -Wshadow

$(MKPVFS): paravirt-guest/tools/mkpvfs.c paravirt-guest/pvfs_format.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $<

$(DISK_IMG): $(MKPVFS) $(USER_BINS) $(DISK_FILES)
	$(MKPVFS) -s 4M -l pvguest $@ $(DISK_CONTENTS)

$(PV_GUEST): $(GUEST_OBJS) paravirt-guest/guest.ld
	$(LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS) $(GUEST_LIBGCC)

.PHONY: guest-images
guest-images: $(PV_GUEST) $(DISK_IMG)

# The ISO boots our guest by default, into its shell, with the disk: a
# file, then its module string, for each module.
DEFAULT_ISO_MODULES := $(PV_GUEST) 'kernel name=pv0 mem=32M -- shell' \
	$(DISK_IMG) 'disk'
ISO_DEPS += $(PV_GUEST) $(DISK_IMG)

-include $(GUEST_OBJS:.o=.d) $(USER_DIR)/*.d
