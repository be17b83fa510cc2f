/*
 * nic.c - the registry of the machine's network cards (see nic.h).
 */
#include "drivers/nic.h"

static struct nic *first, **tail = &first;

void nic_register(struct nic *n)
{
	n->next = NULL;
	*tail = n;
	tail = &n->next;
}

struct nic *nic_first(void)
{
	return first;
}
