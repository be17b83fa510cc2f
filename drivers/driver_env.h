/*
 * driver_env.h - what the disk and network drivers need from the rooms
 * above them: a clock for their timeouts, memory the devices can reach
 * by DMA, and register windows mapped uncached.
 *
 * The drivers rank below the machine and memory rooms (hv/machine, hv/mm;
 * docs/architecture.md), because those use the UART, the PIC and the
 * PIT.  So instead of including upward, main.c hands these services down
 * once at boot, and a unit test can hand down its own.
 */
#ifndef DRIVERS_DRIVER_ENV_H
#define DRIVERS_DRIVER_ENV_H

#include "hv/lib/lib.h"

struct driver_env {
	/* Nanoseconds since boot, monotonic. */
	uint64_t (*now_ns)(void);
	/* `count` zeroed pages, physically contiguous and page-aligned
	 * (virt_to_phys(), hv/include/layout.h, gives a device their bus
	 * address); NULL when memory is out.  Drivers keep what they take
	 * for good. */
	void *(*alloc_pages)(uint32_t count);
	/* Device registers at [phys, phys+len), uncached: where they can be
	 * reached (a device window, hv/mm/paging.c), or NULL (the reason
	 * said) when they cannot. */
	void *(*map_mmio)(uint64_t phys, uint64_t len);
};

void driver_env_set(const struct driver_env *env);
uint64_t drv_now_ns(void);
void *drv_alloc_pages(uint32_t count);
void *drv_map_mmio(uint64_t phys, uint64_t len);
/* Spin for at least `us` microseconds (boot-time waits of the drivers). */
void drv_delay_us(uint32_t us);

/* Register access to a mapped window; volatile so each is one access. */
static inline uint32_t mmio_read32(const volatile void *base, uint32_t off)
{
	return *(const volatile uint32_t *)((const volatile uint8_t *)base +
					    off);
}
static inline void mmio_write32(volatile void *base, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)((volatile uint8_t *)base + off) = v;
}

#endif
