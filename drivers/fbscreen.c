/*
 * fbscreen.c - [Screen 1] the framebuffer the boot loader set up (a GOP
 * mode on UEFI, a VBE mode on BIOS) as the hypervisor's screen.
 *
 * One text console (drivers/fbcon.c) in the font the hypervisor was
 * built with.  It shows what printk prints, which includes the console
 * of the guests.  The framebuffer is the hypervisor's alone: it is not in
 * the memory map's usable RAM, so no guest page can ever map it.
 */
#include "drivers/fbscreen.h"
#include "hv/lib/console.h"
#include "hv/lib/printk.h"

static struct fbcon screen;
static char description[64];

static void fbscreen_putc(char ch)
{
	fbcon_putc(&screen, ch);
}

void fbscreen_init(const struct fb_surface *layout, uint64_t phys)
{
	char why[80];

	if (!fbcon_setup(&screen, layout, &hv_font, why, sizeof(why))) {
		printk("hv: screen: framebuffer not used: %s\n", why);
		return;
	}
	hv_snprintf(description, sizeof(description),
		    "%ux%ux%u framebuffer, %ux%u text", layout->width,
		    layout->height, layout->bpp, screen.cols, screen.rows);
	console_register(CONSOLE_SCREEN, fbscreen_putc);
	console_describe(CONSOLE_SCREEN, description);
	pr_debug("hv: screen: %s at %#llx, pitch %u, font %s (%ux%u)\n",
		 description, (unsigned long long)phys, layout->pitch,
		 hv_font.name, hv_font.width, hv_font.height);
}
