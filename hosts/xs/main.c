/*
 * ephemera-xs: runs an ES module inside the XS engine, as the board would run
 * the portable core, with the natives of native/ linked in.
 *
 *   ephemera-xs [-m MAPPING]... module.js [argument...]
 *
 * A MAPPING names where a bare specifier lives: "fast-check=node_modules/fast-check/lib/fast-check.js",
 * or a pattern, a specifier prefix ending in '*' and a path with one '*' that the rest of the name
 * replaces: "pure-rand/" "*" "=node_modules/pure-rand/lib/esm/" "*" ".js" (written without the quotes).
 *
 * Globals, besides the ECMAScript built-ins:
 *   print(...values)             one line on stdout
 *   native(name), Native(name)   the Moddable SDK's bindings of C functions, resolved among the
 *                                linked symbols; the module loader turns each literal call site
 *                                native("xs_f") into native.xs_f, bound at load time as the SDK's xsc
 *                                binds it at compile time, so that a call allocates nothing
 *   setTimeout, clearTimeout, setImmediate
 *   xsHost                       args, meter(), slots(), chunks(), slotSize, gc(), readFile(path),
 *                                now(), setExitCode(code)
 *
 * Exit status: 1 when the module failed, a rejection went unhandled, a timer
 * threw or the engine aborted; otherwise what the module set (0 by default).
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "xs.h"
#include "xs_host.h"

#define MAX_NATIVES 256

/* Exported by the engine (xsRun.c) for xsBeginMetering, not declared by xs.h. */
extern void fxBeginMetering(xsMachine *the, xsBooleanValue (*callback)(xsMachine *, xsUnsignedValue), xsUnsignedValue interval);
extern void fxEndMetering(xsMachine *the);

typedef struct {
	char name[128];
	xsSlot function;
} NativeEntry;

typedef struct Timer {
	struct Timer *next;
	int id;
	double when;
	xsSlot callback;
} Timer;

static NativeEntry gNatives[MAX_NATIVES];
static int gNativeCount = 0;
static Timer *gTimers = NULL;
static int gNextTimerId = 1;
static int gExitCode = 0;
static int gFailed = 0;

static double nowMilliseconds(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return ((double)tv.tv_sec * 1000.0) + ((double)tv.tv_usec / 1000.0);
}

static void *findSymbol(xsMachine *the, const char *kind, char *name, size_t size)
{
	void *symbol;
	if (strlen(name) >= size)
		xsRangeError("%s name too long", kind);
	symbol = dlsym(RTLD_DEFAULT, name);
	if (!symbol)
		xsUnknownError("%s %s is not linked into this host", kind, name);
	return symbol;
}

/* The function bound to `name`, resolved once among the linked symbols. */
static xsSlot *nativeFunction(xsMachine *the, const char *name)
{
	char copy[sizeof(gNatives[0].name)];
	xsCallback callback;
	int i;
	/* Copy first: `name` may live in the XS heap, which may move at the next allocation. */
	snprintf(copy, sizeof(copy), "%s", name);
	for (i = 0; i < gNativeCount; i++) {
		if (!strcmp(gNatives[i].name, copy))
			return &gNatives[i].function;
	}
	if (gNativeCount == MAX_NATIVES)
		xsUnknownError("native: more than %d functions", MAX_NATIVES);
	callback = (xsCallback)findSymbol(the, "native function", copy, sizeof(copy));
	NativeEntry *entry = &gNatives[gNativeCount];
	strcpy(entry->name, copy);
	entry->function = xsNewHostFunction(callback, 0);
	xsRemember(entry->function);
	gNativeCount++;
	return &entry->function;
}

/* native(name) called at run time (the loader turns literal call sites into native.name). */
static void host_native(xsMachine *the)
{
	xsResult = *nativeFunction(the, xsToString(xsArg(0)));
}

/* The loader's binder: native[name] = the C function. */
static void bindNative(void *machine, const char *name)
{
	xsBeginHost((xsMachine *)machine);
	{
		xsVars(2);
		xsVar(0) = xsGet(xsGlobal, xsID("native"));
		if (!xsHas(xsVar(0), xsID((char *)name))) {
			xsVar(1) = *nativeFunction(the, name);
			xsDefine(xsVar(0), xsID((char *)name), xsVar(1), xsDontDelete | xsDontSet);
		}
	}
	xsEndHost((xsMachine *)machine);
}

/*
 * The base constructor of Native(destructor), reached through super(): makes
 * the instance from new.target's prototype, which the engine made a host
 * object with the destructor (a derived class's prototype inherits the host
 * part of its parent's), so the instance is one too.
 */
static void host_native_base(xsMachine *the)
{
	xsVars(1);
	if (xsTypeOf(xsTarget) == xsUndefinedType)
		xsTypeError("Native: call with new or super()");
	xsVar(0) = xsGet(xsTarget, xsID("prototype"));
	xsResult = xsNewHostInstance(xsVar(0));
}

static void host_Native(xsMachine *the)
{
	char name[sizeof(gNatives[0].name)];
	snprintf(name, sizeof(name), "%s", xsToString(xsArg(0)));
	xsDestructor destructor = (xsDestructor)findSymbol(the, "native destructor", name, sizeof(name));
	xsVars(1);
	/* Instances of a class whose prototype is a host object become host objects with its destructor. */
	xsVar(0) = xsNewHostObject(destructor);
	xsResult = xsNewHostConstructor(host_native_base, 0, xsVar(0));
}

static void host_print(xsMachine *the)
{
	xsIntegerValue count = xsToInteger(xsArgc), i;
	for (i = 0; i < count; i++) {
		if (i)
			fputc(' ', stdout);
		fputs(xsToString(xsArg(i)), stdout);
	}
	fputc('\n', stdout);
	fflush(stdout);
}

static void addTimer(xsMachine *the, double delay)
{
	Timer *timer, **link;
	if (!xsIsInstanceOf(xsArg(0), xsFunctionPrototype))
		xsTypeError("timer callback is not a function");
	timer = calloc(1, sizeof(Timer));
	if (!timer)
		xsUnknownError("timer: out of memory");
	timer->id = gNextTimerId++;
	timer->when = nowMilliseconds() + ((delay > 0) ? delay : 0);
	timer->callback = xsArg(0);
	xsRemember(timer->callback);
	/* Sorted by due time; equal times keep their order. */
	link = &gTimers;
	while (*link && ((*link)->when <= timer->when))
		link = &(*link)->next;
	timer->next = *link;
	*link = timer;
	xsResult = xsInteger(timer->id);
}

static void host_setTimeout(xsMachine *the)
{
	double delay = (xsToInteger(xsArgc) > 1) ? xsToNumber(xsArg(1)) : 0;
	addTimer(the, (delay == delay) ? delay : 0);
}

static void host_setImmediate(xsMachine *the)
{
	addTimer(the, 0);
}

static void host_clearTimeout(xsMachine *the)
{
	Timer **link = &gTimers;
	xsIntegerValue id;
	if ((xsToInteger(xsArgc) < 1) || (xsTypeOf(xsArg(0)) != xsIntegerType && xsTypeOf(xsArg(0)) != xsNumberType))
		return;
	id = xsToInteger(xsArg(0));
	while (*link) {
		Timer *timer = *link;
		if (timer->id == id) {
			*link = timer->next;
			xsForget(timer->callback);
			free(timer);
			return;
		}
		link = &timer->next;
	}
}

/* Runs the earliest timer, waiting for it if needed. 0 when no timer is left. */
static int runNextTimer(xsMachine *the)
{
	Timer *timer = gTimers;
	double wait;
	if (!timer)
		return 0;
	wait = timer->when - nowMilliseconds();
	if (wait > 0) {
		struct timespec pause = { (time_t)(wait / 1000), (long)((wait - 1000.0 * (double)(time_t)(wait / 1000)) * 1e6) };
		nanosleep(&pause, NULL);
	}
	gTimers = timer->next;
	xsTry {
		xsCallFunction0(timer->callback, xsUndefined);
	}
	xsCatch {
		fprintf(stderr, "timer callback threw: %s\n", xsToString(xsException));
		gFailed = 1;
	}
	xsForget(timer->callback);
	free(timer);
	return 1;
}

static void host_meter(xsMachine *the)
{
	xsResult = xsNumber((xsNumberValue)xs_host_meter(the));
}

static void host_slots(xsMachine *the)
{
	xsResult = xsNumber((xsNumberValue)xs_host_slot_count(the));
}

static void host_chunks(xsMachine *the)
{
	xsResult = xsNumber((xsNumberValue)xs_host_chunk_bytes(the));
}

static void host_gc(xsMachine *the)
{
	xsCollectGarbage();
}

static void host_now(xsMachine *the)
{
	xsResult = xsNumber(nowMilliseconds());
}

static void host_setExitCode(xsMachine *the)
{
	gExitCode = xsToInteger(xsArg(0));
}

static void host_readFile(xsMachine *the)
{
	char path[PATH_MAX];
	FILE *file;
	long length;
	snprintf(path, sizeof(path), "%s", xsToString(xsArg(0)));
	file = fopen(path, "rb");
	if (!file)
		xsUnknownError("cannot open %s", path);
	if ((fseek(file, 0, SEEK_END) != 0) || ((length = ftell(file)) < 0) || (fseek(file, 0, SEEK_SET) != 0)) {
		fclose(file);
		xsUnknownError("cannot size %s", path);
	}
	xsResult = xsArrayBuffer(NULL, (xsIntegerValue)length);
	if ((length > 0) && (fread(xsToArrayBuffer(xsResult), 1, (size_t)length, file) != (size_t)length)) {
		fclose(file);
		xsUnknownError("cannot read %s", path);
	}
	fclose(file);
}

static void defineFunction(xsMachine *the, xsSlot *target, const char *name, xsCallback callback, xsIntegerValue length)
{
	xsSlot function = xsNewHostFunction(callback, length);
	xsDefine(*target, xsID((char *)name), function, xsDontEnum);
}

static void buildGlobals(xsMachine *the, int argc, char **argv)
{
	int i;
	xsVars(3);
	defineFunction(the, &xsGlobal, "print", host_print, 0);
	defineFunction(the, &xsGlobal, "native", host_native, 1);
	defineFunction(the, &xsGlobal, "Native", host_Native, 1);
	defineFunction(the, &xsGlobal, "setTimeout", host_setTimeout, 2);
	defineFunction(the, &xsGlobal, "setImmediate", host_setImmediate, 1);
	defineFunction(the, &xsGlobal, "clearTimeout", host_clearTimeout, 1);
	xsVar(0) = xsNewObject();
	defineFunction(the, &xsVar(0), "meter", host_meter, 0);
	defineFunction(the, &xsVar(0), "slots", host_slots, 0);
	defineFunction(the, &xsVar(0), "chunks", host_chunks, 0);
	defineFunction(the, &xsVar(0), "gc", host_gc, 0);
	defineFunction(the, &xsVar(0), "now", host_now, 0);
	defineFunction(the, &xsVar(0), "setExitCode", host_setExitCode, 1);
	defineFunction(the, &xsVar(0), "readFile", host_readFile, 1);
	xsDefine(xsVar(0), xsID("slotSize"), xsInteger((xsIntegerValue)xs_host_slot_size()), xsDontSet);
	xsVar(1) = xsNewArray(0);
	for (i = 0; i < argc; i++) {
		xsVar(2) = xsString(argv[i]);
		xsCall1(xsVar(1), xsID("push"), xsVar(2));
	}
	xsDefine(xsVar(0), xsID("args"), xsVar(1), xsDontSet);
	xsDefine(xsGlobal, xsID("xsHost"), xsVar(0), xsDontEnum);
}

/* Absolute form of a mapping's path; for a pattern, the directory holding the '*' must exist. */
static int resolveMappingPath(const char *path, char *resolved, size_t size)
{
	char directory[PATH_MAX];
	char real[PATH_MAX];
	const char *star = strchr(path, '*');
	const char *slash;
	if (!star)
		return realpath(path, resolved) && (strlen(resolved) < size);
	for (slash = star; (slash > path) && (slash[-1] != '/'); slash--)
		;
	if ((slash == path) || ((size_t)(slash - path) >= sizeof(directory)))
		return 0;
	memcpy(directory, path, (size_t)(slash - path));
	directory[slash - path] = 0;
	if (!realpath(directory, real))
		return 0;
	return snprintf(resolved, size, "%s/%s", real, slash) < (int)size;
}

static int usage(void)
{
	fprintf(stderr, "usage: ephemera-xs [-m specifier=path | -m 'prefix*=dir/*.js']... module.js [argument...]\n");
	return 2;
}

/* Runs the module and the jobs and timers it leaves; returns the exit status. */
static int runModule(const char *modulePath, int argc, char **argv)
{
	xsMachine *machine;
	/* Generous: tests and benchmarks must not be limited by the heap. Benchmarks collect before measuring. */
	xsCreation creation = {
		.initialChunkSize = 32 * 1024 * 1024,
		.incrementalChunkSize = 4 * 1024 * 1024,
		.initialHeapCount = 1024 * 1024,
		.incrementalHeapCount = 256 * 1024,
		.stackCount = 16 * 1024,
		.initialKeyCount = 64 * 1024,
		.incrementalKeyCount = 8 * 1024,
		.nameModulo = 1993,
		.symbolModulo = 127,
		.parserBufferSize = 8 * 1024 * 1024,
		.parserTableModulo = 1993,
		.staticSize = 0,
	};
	machine = xsCreateMachine(&creation, "ephemera-xs", NULL);
	if (!machine) {
		fprintf(stderr, "ephemera-xs: cannot create the XS machine\n");
		return 1;
	}
	/* Metering counts computrons for xsHost.meter(); its jump is also where an engine abort lands. */
	xsBeginMetering(machine, NULL, 0);
	{
		xsBeginHost(machine);
		{
			buildGlobals(the, argc, argv);
			xs_host_set_native_binder(bindNative);
			xs_host_import(the, modulePath);
			for (;;) {
				xs_host_run_jobs(the);
				if (!runNextTimer(the))
					break;
			}
			if (xs_host_report_unhandled(the))
				gFailed = 1;
		}
		xsEndHost(machine);
	}
	xsEndMetering(machine);

	if (xs_host_aborted(machine))
		gFailed = 1;
	else if (xs_host_import_state() == 0) {
		fprintf(stderr, "ephemera-xs: %s never finished (a top-level await that nothing resolves)\n", modulePath);
		gFailed = 1;
	}
	else if (xs_host_import_state() == 2)
		gFailed = 1;
	xsDeleteMachine(machine);
	return gFailed ? 1 : gExitCode;
}

int main(int argc, char **argv)
{
	char modulePath[PATH_MAX];
	int argi = 1;
	while ((argi < argc) && !strcmp(argv[argi], "-m")) {
		char *mapping = (argi + 1 < argc) ? argv[argi + 1] : NULL;
		char *equal = mapping ? strchr(mapping, '=') : NULL;
		char path[PATH_MAX];
		if (!equal || (equal == mapping))
			return usage();
		*equal = 0;
		if (!resolveMappingPath(equal + 1, path, sizeof(path))) {
			fprintf(stderr, "ephemera-xs: mapping %s: no such path %s\n", mapping, equal + 1);
			return 2;
		}
		if (!xs_host_map_specifier(mapping, path)) {
			fprintf(stderr, "ephemera-xs: too many or too long mappings\n");
			return 2;
		}
		argi += 2;
	}
	if (argi >= argc)
		return usage();
	if (!realpath(argv[argi], modulePath)) {
		fprintf(stderr, "ephemera-xs: no such module %s\n", argv[argi]);
		return 2;
	}
	return runModule(modulePath, argc - argi - 1, argv + argi + 1);
}
