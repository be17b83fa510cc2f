/*
 * driver_env.c - the services main.c hands the drivers (driver_env.h).
 */
#include "drivers/driver_env.h"

static const struct driver_env *env;

void driver_env_set(const struct driver_env *e)
{
	env = e;
}

uint64_t drv_now_ns(void)
{
	return env->now_ns();
}

void *drv_alloc_pages(uint32_t count)
{
	return env->alloc_pages(count);
}

void *drv_map_mmio(uint64_t phys, uint64_t len)
{
	return env->map_mmio(phys, len);
}

void drv_delay_us(uint32_t us)
{
	uint64_t until = env->now_ns() + (uint64_t)us * 1000;

	while (env->now_ns() < until)
		__asm__ volatile("pause");
}
