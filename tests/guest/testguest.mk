# testguest.mk - builds the test guest, testguest.elf: pvguest's kernel
# with the tests' modes.  Included by the top Makefile after
# paravirt-guest/guest.mk, whose flags, variables and objects it uses.
#
# The image is every object of the kernel but main.c.o, whose guest_main
# tests/guest/main.c replaces, and the objects of tests/guest/.  It is
# linked by the kernel's guest.ld, but entered at start.S, which runs two
# cases before the kernel's own _start.  Its user programs
# (tests/guest/user/) are built like the kernel's, with the same libraries,
# and built into the image beside them (progs.S; the linker gathers both
# lists).  It also makes disk-big.img (96 MiB, sparse), the kernel's
# disk in a size only a test needs.
#
#   make test-guest-images    build/tests/guest/testguest.elf, disk-big.img

TEST_GUEST_DIR := $(BUILD)/tests/guest
TEST_GUEST := $(TEST_GUEST_DIR)/testguest.elf
TEST_USER_DIR := $(TEST_GUEST_DIR)/user
TEST_DISK_BIG_IMG := $(TEST_GUEST_DIR)/disk-big.img

TEST_GUEST_SRCS := $(wildcard tests/guest/*.S tests/guest/*.c)
TEST_GUEST_OBJS := $(patsubst tests/guest/%,$(TEST_GUEST_DIR)/%.o,\
	$(TEST_GUEST_SRCS))
TEST_GUEST_KERNEL_OBJS := $(filter-out $(BUILD)/guest/main.c.o,$(GUEST_OBJS))

# The kernel's headers are named from the top of the tree, so an #include
# says which side a file is on: "paravirt-guest/hcall.h", "testguest.h".
TEST_GUEST_CFLAGS := $(GUEST_CFLAGS) -I.
TEST_GUEST_ASFLAGS := $(GUEST_ASFLAGS) -I.
TEST_GUEST_LDFLAGS := $(GUEST_LDFLAGS) -e testguest_start_phys

TEST_USER_NAMES := $(shell sed -n 's/^PROG(\(.*\))$$/\1/p' \
	tests/guest/user/progs.def)
TEST_USER_BINS := $(TEST_USER_NAMES:%=$(TEST_USER_DIR)/%.bin)

$(TEST_GUEST_DIR)/%.c.o: tests/guest/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_GUEST_CFLAGS) -c $< -o $@

$(TEST_GUEST_DIR)/%.S.o: tests/guest/%.S
	@mkdir -p $(dir $@)
	$(CC) $(TEST_GUEST_ASFLAGS) -c $< -o $@

# Like the kernel's early.c, it runs before our page tables exist.
$(TEST_GUEST_DIR)/early_adversary.c.o: \
	TEST_GUEST_CFLAGS += -fno-tree-loop-distribute-patterns

$(TEST_GUEST_DIR)/progs.S.o: TEST_GUEST_ASFLAGS += -Wa,-I,$(TEST_USER_DIR)
$(TEST_GUEST_DIR)/progs.S.o: $(TEST_USER_BINS)

$(TEST_USER_DIR)/%.c.o: tests/guest/user/%.c $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I. -c $< -o $@

# Its doubles in SSE registers, to match the host's bit for bit (it says
# why); its long doubles stay in x87 ones.
$(TEST_USER_DIR)/fpumath.c.o: USER_CFLAGS += -msse2 -mfpmath=sse

$(TEST_USER_DIR)/%.elf: $(TEST_USER_DIR)/%.c.o $(USER_LIB) \
		paravirt-guest/user/user.ld
	$(LD) $(USER_LDFLAGS) -o $@ $(USER_LIB) $< $(USER_LIBS)

$(TEST_USER_DIR)/%.bin: $(TEST_USER_DIR)/%.elf
	objcopy -O binary $< $@

.PRECIOUS: $(TEST_USER_DIR)/%.elf $(TEST_USER_DIR)/%.c.o

$(TEST_GUEST): $(TEST_GUEST_KERNEL_OBJS) $(TEST_GUEST_OBJS) \
		paravirt-guest/guest.ld
	$(LD) $(TEST_GUEST_LDFLAGS) -o $@ $(TEST_GUEST_KERNEL_OBJS) \
		$(TEST_GUEST_OBJS) $(GUEST_LIBGCC)

$(TEST_DISK_BIG_IMG): $(MKPVFS) $(USER_BINS) $(DISK_FILES)
	@mkdir -p $(dir $@)
	$(MKPVFS) -s 96M -l pvguest-big $@ $(DISK_CONTENTS)

.PHONY: test-guest-images
test-guest-images: $(TEST_GUEST) $(TEST_DISK_BIG_IMG)

-include $(TEST_GUEST_OBJS:.o=.d) $(TEST_USER_DIR)/*.d
