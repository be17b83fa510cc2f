/*
 * test_fadt.c - fadt_parse on hand-built FADTs of every size the ACPI
 * versions gave it: 1.0's 116 bytes (no reset register, no X_ fields),
 * a table cut after PM1b_CNT_BLK (the least power-off needs), and 6.x's
 * 276 bytes, whose X_ generic addresses win over the 32-bit fields when
 * they are not zero.  Each table is a heap block of exactly its length,
 * so a read past it is an AddressSanitizer failure.
 *
 * UNIT_SOURCES: drivers/acpi_fadt.c hv/lib/string.c hv/lib/format.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/acpi.h"
#include "tests/unit/table_parse.h"

static uint8_t t[276];
static struct fadt_info f;
static char err[80];

static void at32(size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		t[off + i] = (uint8_t)(v >> (8 * i));
}

static void gas(size_t off, uint8_t space, uint8_t width, uint64_t addr)
{
	t[off] = space;
	t[off + 1] = width;
	t[off + 2] = 0;
	t[off + 3] = 0;
	at32(off + 4, (uint32_t)addr);
	at32(off + 8, (uint32_t)(addr >> 32));
}

/* QEMU's q35 FADT, in the fields we read. */
static void qemu_fadt(void)
{
	memset(t, 0, sizeof(t));
	memcpy(t, "FACP", 4);
	t[8] = 3;
	at32(40, 0x7FFE0040);  /* DSDT */
	at32(48, 0xB2);	       /* SMI_CMD */
	t[52] = 0x02;	       /* ACPI_ENABLE */
	at32(64, 0x604);       /* PM1a_CNT_BLK */
	at32(76, 0x608);       /* PM_TMR_BLK */
	t[91] = 4;	       /* PM_TMR_LEN */
	at32(112, 1u << 10);   /* RESET_REG_SUP, 24-bit timer */
	gas(116, 1, 8, 0xCF9); /* RESET_REG */
	t[128] = 0x0F;	       /* RESET_VALUE */
}

static bool fadt(const void *tb, size_t n, void *out, char *e, size_t el)
{
	return fadt_parse(tb, n, out, e, el);
}

static bool parse(size_t len)
{
	if (len >= 8)
		at32(4, (uint32_t)len);
	return table_parse(fadt, t, len, &f, sizeof(f), err, sizeof(err));
}

static void test_qemu(void **state)
{
	(void)state;
	qemu_fadt();
	assert_true(parse(244));
	assert_int_equal(f.dsdt, 0x7FFE0040);
	assert_int_equal(f.smi_cmd, 0xB2);
	assert_int_equal(f.acpi_enable, 2);
	assert_int_equal(f.pm1a_cnt.space, ACPI_SPACE_IO);
	assert_int_equal(f.pm1a_cnt.addr, 0x604);
	assert_int_equal(f.pm1b_cnt.addr, 0);
	assert_int_equal(f.pm_timer_port, 0x608);
	assert_int_equal(f.pm_timer_bits, 24);
	assert_true(f.reset_supported);
	assert_int_equal(f.reset_reg.space, ACPI_SPACE_IO);
	assert_int_equal(f.reset_reg.addr, 0xCF9);
	assert_int_equal(f.reset_value, 0x0F);
}

static void test_x_fields_win(void **state)
{
	(void)state;
	qemu_fadt();
	at32(140, 0x7FFD0000); /* X_DSDT, low half */
	at32(144, 0x1);	       /* and high: above 4 GiB */
	gas(172, ACPI_SPACE_IO, 16, 0x1804);
	gas(184, ACPI_SPACE_MEMORY, 16, 0xFED80000);
	gas(208, ACPI_SPACE_IO, 32, 0x1808);
	at32(112, (1u << 10) | (1u << 8)); /* a 32-bit timer */
	assert_true(parse(276));
	assert_int_equal(f.dsdt, 0x17FFD0000ull);
	assert_int_equal(f.pm1a_cnt.addr, 0x1804);
	assert_int_equal(f.pm1b_cnt.space, ACPI_SPACE_MEMORY);
	assert_int_equal(f.pm1b_cnt.addr, 0xFED80000);
	assert_int_equal(f.pm_timer_port, 0x1808);
	assert_int_equal(f.pm_timer_bits, 32);
}

static void test_zero_x_fields_fall_back(void **state)
{
	(void)state;
	qemu_fadt();
	gas(172, ACPI_SPACE_IO, 16, 0); /* present, but zero */
	gas(208, ACPI_SPACE_IO, 32, 0);
	assert_true(parse(276));
	assert_int_equal(f.dsdt, 0x7FFE0040);
	assert_int_equal(f.pm1a_cnt.addr, 0x604);
	assert_int_equal(f.pm_timer_port, 0x608);
}

static void test_memory_pm_timer_not_used(void **state)
{
	(void)state;
	qemu_fadt();
	at32(76, 0);
	gas(208, ACPI_SPACE_MEMORY, 32, 0xFED00000);
	assert_true(parse(276));
	assert_int_equal(f.pm_timer_port, 0);
}

static void test_short_timer_block(void **state)
{
	(void)state;
	qemu_fadt();
	t[91] = 2; /* PM_TMR_LEN below 4: not a timer */
	assert_true(parse(244));
	assert_int_equal(f.pm_timer_port, 0);
}

static void test_acpi1(void **state)
{
	(void)state;
	qemu_fadt();
	assert_true(parse(116));
	assert_int_equal(f.pm1a_cnt.addr, 0x604);
	assert_int_equal(f.pm_timer_port, 0x608);
	assert_false(f.reset_supported); /* no RESET_REG in 1.0 */
}

static void test_minimal(void **state)
{
	(void)state;
	qemu_fadt();
	assert_true(parse(72));
	assert_int_equal(f.pm1a_cnt.addr, 0x604);
	assert_int_equal(f.pm_timer_port, 0);
	assert_int_equal(f.flags, 0);
	assert_false(f.reset_supported);
}

static void test_reset_flag_clear(void **state)
{
	(void)state;
	qemu_fadt();
	at32(112, 0);
	assert_true(parse(244));
	assert_false(f.reset_supported);
}

static void test_too_short(void **state)
{
	(void)state;
	for (size_t n = 0; n < 72; n++) {
		qemu_fadt();
		assert_false(parse(n));
	}
}

static void test_length_field(void **state)
{
	uint8_t *copy;

	(void)state;
	qemu_fadt();
	at32(4, 245);
	copy = malloc(244);
	assert_non_null(copy);
	memcpy(copy, t, 244);
	assert_false(fadt_parse(copy, 244, &f, err, sizeof(err)));
	assert_non_null(strstr(err, "length field"));
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu),
		cmocka_unit_test(test_x_fields_win),
		cmocka_unit_test(test_zero_x_fields_fall_back),
		cmocka_unit_test(test_memory_pm_timer_not_used),
		cmocka_unit_test(test_short_timer_block),
		cmocka_unit_test(test_acpi1),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_reset_flag_clear),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_length_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
