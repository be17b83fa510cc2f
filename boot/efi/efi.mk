# efi.mk - builds hv.efi, the UEFI loader that boots the hypervisor with
# no GRUB (boot/efi/), and build/hv-efi.img, a disk image that boots it.
# Included by the top Makefile, which supplies BUILD and CC.
#
#   make efi-app     $(BUILD)/efi/hv.efi
#   make efi-image   build/hv-efi.img: a GPT disk with one FAT32 EFI
#                    system partition: \EFI\BOOT\BOOTX64.EFI (hv.efi),
#                    hv.cfg, hv.elf and the modules, in one folder
#
# hv.efi is a separate program from the hypervisor: an x86_64 EFI
# application built the GNU-EFI way.  Its C is compiled as a 64-bit
# position-independent ELF (-fpic; -fshort-wchar for UEFI's 16-bit
# CHAR16 strings; no red zone, since firmware interrupts may land on our
# stack), linked with GNU-EFI's start-up code and linker script, and
# objcopy rewrites the ELF as the PE32+ image firmware loads.
# GNU_EFI_USE_MS_ABI lets us call firmware functions directly (their
# calling convention is Microsoft's, which gcc knows as ms_abi).

EFI_DIR := $(BUILD)/efi
HV_EFI := $(EFI_DIR)/hv.efi
EFI_INC := /usr/include/efi
EFI_LIB := /usr/lib
EFI_CFLAGS := -std=gnu11 -O2 -g -fpic -fshort-wchar -mno-red-zone \
	-ffreestanding -fno-stack-protector -fno-strict-aliasing \
	-mgeneral-regs-only -DGNU_EFI_USE_MS_ABI \
	-I$(EFI_INC) -I$(EFI_INC)/x86_64 -I. \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -MMD -MP
EFI_ASFLAGS := -D__ASSEMBLER__ -I. -MMD -MP
EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic \
	-T $(EFI_LIB)/elf_x86_64_efi.lds $(EFI_LIB)/crt0-efi-x86_64.o
EFI_SRCS := $(wildcard boot/efi/*.c boot/efi/*.S)
EFI_OBJS := $(patsubst boot/efi/%,$(EFI_DIR)/%.o,$(EFI_SRCS))

$(EFI_DIR)/%.c.o: boot/efi/%.c
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(EFI_DIR)/%.S.o: boot/efi/%.S
	@mkdir -p $(dir $@)
	$(CC) $(EFI_ASFLAGS) -c $< -o $@

$(EFI_DIR)/hv-efi.so: $(EFI_OBJS)
	$(LD) $(EFI_LDFLAGS) $(EFI_OBJS) -L$(EFI_LIB) -lefi -lgnuefi -o $@

# Only the sections the PE image needs; .reloc and the .rela sections are
# how the firmware relocates us wherever it loads us.
$(HV_EFI): $(EFI_DIR)/hv-efi.so
	objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
		-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc \
		--target efi-app-x86_64 --subsystem=10 $< $@

.PHONY: efi-app efi-image
efi-app: $(HV_EFI)

# The same modules as the ISO (ISO_MODULES), with the same options.
efi-image: check-deps $(HV_EFI) $(BUILD)/hv.elf $(ISO_DEPS)
	iso/mkefiimg.sh build/hv-efi.img $(HV_EFI) $(BUILD)/hv.elf \
		"$(HV_CMDLINE)" $(ISO_MODULES)

-include $(EFI_OBJS:.o=.d)
