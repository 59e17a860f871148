/*
 * Natives that exist only in the XS test host, for test/xs/engine.spec.ts: they
 * check that Native(destructor) classes make host objects, as on the device.
 */
#include "xsmc.h"

static int gDestructed = 0;

void xs_test_host_destructor(void *data)
{
	if (data)
		gDestructed++;
}

/* Stores an integer as the instance's host data: throws if `this` is no host object. */
void xs_test_host_set(xsMachine *the)
{
	xsmcSetHostData(xsThis, (void *)(uintptr_t)xsmcToInteger(xsArg(0)));
}

void xs_test_host_get(xsMachine *the)
{
	xsmcSetInteger(xsResult, (xsIntegerValue)(uintptr_t)xsmcGetHostData(xsThis));
}

/* How many instances with host data the collector has destroyed so far. */
void xs_test_host_destructed(xsMachine *the)
{
	xsmcSetInteger(xsResult, gDestructed);
}
