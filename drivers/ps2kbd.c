/*
 * ps2kbd.c - [Keyboard 1] the i8042 keyboard controller and the keyboard
 * on its first port.
 *
 * The controller has two ports on the I/O bus: 0x60 for data (scancodes
 * in, bytes for the controller or the keyboard out) and 0x64 for its
 * status (read) and commands (write).  We set it up the way the PC BIOS
 * leaves it, but from scratch, so nothing depends on the firmware: both
 * ports off, the output buffer emptied, the controller's self-test, then
 * its configuration byte with the first port's interrupt on, the second
 * port (a mouse) off, and translation on, so the keyboard's scancodes
 * arrive as set 1 whatever set it speaks; then the first port on and the
 * keyboard told to scan.  Each key then raises IRQ 1, and the handler
 * turns the codes waiting into bytes (ps2kbd_keymap.c) for the console's
 * input ring, where the serial port's bytes go too.
 *
 * Every wait is bounded: a machine without a controller (many UEFI
 * machines have none) reads 0xFF from the status port, and one that does
 * not answer is given up on with a message; the hypervisor goes on
 * without a keyboard either way.
 */
#include "drivers/ps2kbd.h"
#include "hv/include/x86.h"
#include "hv/lib/console_input.h"
#include "hv/lib/printk.h"

#define I8042_DATA 0x60
#define I8042_STATUS 0x64 /* read */
#define I8042_CMD 0x64	  /* write */

#define ST_OUT_FULL 0x01 /* a byte waits at 0x60 for us */
#define ST_IN_FULL 0x02	 /* the controller has not taken our last byte */
#define ST_AUX 0x20	 /* the waiting byte is the second port's */

#define CMD_READ_CONFIG 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_DISABLE_PORT2 0xA7
#define CMD_SELF_TEST 0xAA /* answers 0x55 when well */
#define CMD_DISABLE_PORT1 0xAD
#define CMD_ENABLE_PORT1 0xAE
#define CMD_PULSE_RESET 0xFE /* output port bit 0, the CPU's reset line */

#define CFG_PORT1_IRQ 0x01
#define CFG_PORT2_IRQ 0x02
#define CFG_PORT1_CLOCK_OFF 0x10
#define CFG_PORT2_CLOCK_OFF 0x20
#define CFG_TRANSLATE 0x40

#define SELF_TEST_OK 0x55
#define KBD_ENABLE_SCANNING 0xF4
#define KBD_ACK 0xFA

/* About 100 ms of port reads (each is a microsecond on an ISA-speed
 * bus): the controller answers in well under that. */
#define WAIT_LOOPS 100000

static struct keymap_state keys;

static bool wait_can_write(void)
{
	for (int i = 0; i < WAIT_LOOPS; i++) {
		if (!(inb(I8042_STATUS) & ST_IN_FULL))
			return true;
		pause();
	}
	return false;
}

static bool read_byte(uint8_t *v)
{
	for (int i = 0; i < WAIT_LOOPS; i++) {
		if (inb(I8042_STATUS) & ST_OUT_FULL) {
			*v = inb(I8042_DATA);
			return true;
		}
		pause();
	}
	return false;
}

static bool command(uint8_t cmd)
{
	if (!wait_can_write())
		return false;
	outb(I8042_CMD, cmd);
	return true;
}

static bool write_data(uint8_t v)
{
	if (!wait_can_write())
		return false;
	outb(I8042_DATA, v);
	return true;
}

/* Throw away whatever waits (keys pressed at the boot menu, say). */
static void flush(void)
{
	for (int i = 0; i < 64 && (inb(I8042_STATUS) & ST_OUT_FULL); i++)
		(void)inb(I8042_DATA);
}

static bool setup(const char **why)
{
	uint8_t v, cfg;

	*why = "it does not answer";
	if (!command(CMD_DISABLE_PORT1) || !command(CMD_DISABLE_PORT2))
		return false;
	flush();
	if (!command(CMD_SELF_TEST) || !read_byte(&v))
		return false;
	if (v != SELF_TEST_OK) {
		*why = "its self-test failed";
		return false;
	}
	/* The self-test may reset the configuration: read it after. */
	if (!command(CMD_READ_CONFIG) || !read_byte(&cfg))
		return false;
	cfg |= CFG_PORT1_IRQ | CFG_TRANSLATE | CFG_PORT2_CLOCK_OFF;
	cfg &= (uint8_t) ~(CFG_PORT2_IRQ | CFG_PORT1_CLOCK_OFF);
	if (!command(CMD_WRITE_CONFIG) || !write_data(cfg) ||
	    !command(CMD_ENABLE_PORT1))
		return false;
	/* A keyboard that does not acknowledge may still type (QEMU's
	 * does both); no keyboard at all is not the controller's fault. */
	if (!write_data(KBD_ENABLE_SCANNING) || !read_byte(&v) || v != KBD_ACK)
		pr_info("hv: keyboard: no answer from the keyboard; keys will "
			"be read if one is plugged in\n");
	flush();
	return true;
}

bool ps2kbd_init(void)
{
	const char *why;

	if (inb(I8042_STATUS) == 0xFF) {
		pr_info("hv: keyboard: no PS/2 controller\n");
		return false;
	}
	if (!setup(&why)) {
		printk("hv: keyboard: PS/2 controller ignored: %s\n", why);
		return false;
	}
	pr_info("hv: keyboard: PS/2, US layout, IRQ %u\n", PS2KBD_IRQ);
	return true;
}

void ps2kbd_pulse_reset(void)
{
	/* Written even if the controller never says it is ready: the
	 * machine is going down either way, and it may still listen. */
	(void)wait_can_write();
	outb(I8042_CMD, CMD_PULSE_RESET);
}

/* IRQ 1: every code waiting, into the console's input ring at once. */
void ps2kbd_handle_irq(void)
{
	uint8_t buf[64];
	uint32_t n = 0;

	for (int i = 0; i < 16; i++) {
		uint8_t st = inb(I8042_STATUS), code;

		if (!(st & ST_OUT_FULL))
			break;
		code = inb(I8042_DATA);
		if (st & ST_AUX)
			continue; /* a mouse's byte: not ours to read */
		n += keymap_feed(&keys, code, &buf[n]);
	}
	if (n)
		console_input_put(buf, n);
}
