/*
 * Engine side of the XS test host: the platform hooks the XS sources expect
 * (abort, module lookup and loading, promise jobs) and the counters the tests
 * and benchmarks read. Modules are ES module files on disk, resolved like Node
 * resolves relative specifiers (the extension is part of the specifier), plus
 * a table of bare specifiers given on the command line.
 */
#include <dlfcn.h>
#include <limits.h>

#include "xsAll.h"
#include "xsScript.h"

#include "xs_host.h"

#define MAX_MAPPINGS 32

typedef struct {
	char specifier[128];
	char path[PATH_MAX];
} Mapping;

static Mapping gMappings[MAX_MAPPINGS];
static int gMappingCount = 0;
static int gImportState = 0;
static int gUnhandledRejections = 0;

int xs_host_map_specifier(const char *specifier, const char *path)
{
	const char *star = strchr(specifier, '*');
	if ((star && (star[1] || !strchr(path, '*'))) || (!star && strchr(path, '*')))
		return 0;
	if ((gMappingCount == MAX_MAPPINGS) || (strlen(specifier) >= sizeof(gMappings[0].specifier)) || (strlen(path) >= PATH_MAX))
		return 0;
	strcpy(gMappings[gMappingCount].specifier, specifier);
	strcpy(gMappings[gMappingCount].path, path);
	gMappingCount++;
	return 1;
}

/* Prints `message`, then the exception's stack when it has one. Never throws. */
static void reportException(txMachine *the, const char *message, txSlot *exception)
{
	mxTry(the) {
		mxPushSlot(exception);
		fprintf(stderr, "%s: %s\n", message, fxToString(the, the->stack));
		if (exception->kind == XS_REFERENCE_KIND) {
			mxPushSlot(exception);
			mxGetID(mxID(_stack));
			if (the->stack->kind == XS_STRING_KIND || the->stack->kind == XS_STRING_X_KIND)
				fprintf(stderr, "%s\n", the->stack->value.string);
			mxPop();
		}
		mxPop();
	}
	mxCatch(the) {
		fprintf(stderr, "%s (the exception cannot be printed)\n", message);
	}
}

void fxAbort(txMachine *the, int status)
{
	switch (status) {
	case XS_UNHANDLED_REJECTION_EXIT:
		/* Keep running, as Node does with a warning; the run still fails. */
		reportException(the, "unhandled rejection", &mxException);
		mxException = mxUndefined;
		gUnhandledRejections++;
		return;
	case XS_UNHANDLED_EXCEPTION_EXIT:
		reportException(the, "unhandled exception", &mxException);
		mxException = mxUndefined;
		break;
	case XS_STACK_OVERFLOW_EXIT:
		fprintf(stderr, "XS abort: stack overflow\n");
		break;
	case XS_NOT_ENOUGH_MEMORY_EXIT:
		fprintf(stderr, "XS abort: memory full\n");
		break;
	case XS_NO_MORE_KEYS_EXIT:
		fprintf(stderr, "XS abort: not enough keys\n");
		break;
	case XS_TOO_MUCH_COMPUTATION_EXIT:
		fprintf(stderr, "XS abort: too much computation\n");
		break;
	default:
		fprintf(stderr, "XS abort: status %d\n", status);
		break;
	}
	the->abortStatus = status;
	fxExitToHost(the);
}

void fxCreateMachinePlatform(txMachine *the)
{
	the->promiseJobs = 0;
	the->abortStatus = 0;
	the->host = C_NULL;
	the->waiterCondition = C_NULL;
	the->waiterData = C_NULL;
	the->waiterLink = C_NULL;
}

void fxDeleteMachinePlatform(txMachine *the)
{
}

void fxQueuePromiseJobs(txMachine *the)
{
	the->promiseJobs = 1;
}

void fxRunDebugger(txMachine *the)
{
}

/* The directory of `path`, written to `buffer` with a trailing '/'. */
static int directoryOf(const char *path, char *buffer, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t length;
	if (!slash)
		return 0;
	length = (size_t)(slash - path) + 1;
	if (length >= size)
		return 0;
	memcpy(buffer, path, length);
	buffer[length] = 0;
	return 1;
}

txID fxFindModule(txMachine *the, txSlot *realm, txID moduleID, txSlot *slot)
{
	char name[PATH_MAX];
	char joined[2 * PATH_MAX];
	char real[PATH_MAX];
	int i;
	fxToStringBuffer(the, slot, name, sizeof(name));
	joined[0] = 0;
	if (!strncmp(name, "./", 2) || !strncmp(name, "../", 3)) {
		if ((moduleID == XS_NO_ID) || !directoryOf(fxGetKeyName(the, moduleID), joined, sizeof(joined)))
			return XS_NO_ID;
		strncat(joined, name, sizeof(joined) - strlen(joined) - 1);
	}
	else if (name[0] == '/')
		strcpy(joined, name);
	else {
		for (i = 0; i < gMappingCount; i++) {
			const char *specifier = gMappings[i].specifier;
			const char *star = strchr(specifier, '*');
			if (!star) {
				if (!strcmp(name, specifier)) {
					strcpy(joined, gMappings[i].path);
					break;
				}
			}
			else if (!strncmp(name, specifier, (size_t)(star - specifier))) {
				/* A pattern: the rest of the name replaces the path's '*'. */
				const char *target = gMappings[i].path;
				const char *targetStar = strchr(target, '*');
				snprintf(joined, sizeof(joined), "%.*s%s%s", (int)(targetStar - target), target, name + (star - specifier), targetStar + 1);
				break;
			}
		}
		if (!joined[0])
			mxReferenceError("module \"%s\" not found: bare specifiers need a -m mapping", name);
	}
	if (!realpath(joined, real)) {
		if (moduleID != XS_NO_ID)
			mxReferenceError("module \"%s\" not found from %s", name, fxGetKeyName(the, moduleID));
		mxReferenceError("module \"%s\" not found", name);
	}
	return fxNewNameC(the, real);
}

static XsHostNativeBinder gNativeBinder = NULL;

void xs_host_set_native_binder(XsHostNativeBinder binder)
{
	gNativeBinder = binder;
}

typedef struct {
	const unsigned char *bytes;
	size_t offset;
	size_t size;
} Source;

static int sourceGetter(void *stream)
{
	Source *source = stream;
	return (source->offset < source->size) ? source->bytes[source->offset++] : C_EOF;
}

static int isIdentifierByte(unsigned char c)
{
	return isalnum(c) || (c == '_') || (c == '$') || (c >= 0x80);
}

/*
 * What the SDK's xsc does at compile time: a call `native("xs_name")` becomes a
 * direct reference to the linked C function, here `native.xs_name`, a property
 * that gNativeBinder defines. Evaluating the string literal would allocate a
 * chunk on each call, which the device never does.
 */
static int bindNatives(txMachine *the, char *text, size_t *length, char *missing, size_t missingSize)
{
	static const char call[] = "native(\"";
	const size_t callLength = sizeof(call) - 1;
	size_t from = 0, to = 0;
	while (from < *length) {
		if ((*length - from > callLength) && !memcmp(text + from, call, callLength)
			&& ((from == 0) || (!isIdentifierByte((unsigned char)text[from - 1]) && (text[from - 1] != '.')))) {
			size_t start = from + callLength, end = start;
			char name[128];
			while ((end < *length) && (isalnum((unsigned char)text[end]) || (text[end] == '_')))
				end++;
			if ((end + 1 < *length) && (end > start) && (end - start < sizeof(name)) && (text[end] == '"') && (text[end + 1] == ')')
				&& !isdigit((unsigned char)text[start])) {
				memcpy(name, text + start, end - start);
				name[end - start] = 0;
				if (!gNativeBinder || !dlsym(RTLD_DEFAULT, name)) {
					snprintf(missing, missingSize, "%s", name);
					return 0;
				}
				(*gNativeBinder)(the, name);
				memcpy(text + to, "native.", 7);
				to += 7;
				memmove(text + to, name, end - start);
				to += end - start;
				from = end + 2;
				continue;
			}
		}
		text[to++] = text[from++];
	}
	*length = to;
	return 1;
}

static char *readText(const char *path, size_t *length)
{
	FILE *file = fopen(path, "rb");
	char *text = NULL;
	long size;
	if (!file)
		return NULL;
	if ((fseek(file, 0, SEEK_END) == 0) && ((size = ftell(file)) >= 0) && (fseek(file, 0, SEEK_SET) == 0)) {
		text = malloc((size_t)size + 1);
		if (text && (fread(text, 1, (size_t)size, file) != (size_t)size)) {
			free(text);
			text = NULL;
		}
		*length = (size_t)size;
	}
	fclose(file);
	return text;
}

static txScript *loadScript(txMachine *the, const char *path, txUnsigned flags)
{
	txParser _parser;
	txParser *parser = &_parser;
	txParserJump jump;
	FILE *volatile file = NULL;
	txString mapName = NULL;
	char mapPath[PATH_MAX];
	txScript *volatile script = NULL;
	size_t length = 0;
	char missing[128];
	char *text = readText(path, &length);
	Source source;
	if (!text)
		mxURIError("cannot read %s", path);
	if (!bindNatives(the, text, &length, missing, sizeof(missing))) {
		free(text);
		mxReferenceError("%s: native function %s is not linked into this host", path, missing);
	}
	source.bytes = (const unsigned char *)text;
	source.offset = 0;
	source.size = length;
	fxInitializeParser(parser, the, the->parserBufferSize, the->parserTableModulo);
	parser->firstJump = &jump;
	if (c_setjmp(jump.jmp_buf) == 0) {
		parser->path = fxNewParserSymbol(parser, (txString)path);
		fxParserTree(parser, &source, sourceGetter, flags, &mapName);
		/* tsc writes source maps: errors then name TypeScript lines. */
		if (mapName && realpath(fxCombinePath(parser, (txString)path, mapName), mapPath)) {
			file = fopen(mapPath, "r");
			if (file) {
				txString sourceName = NULL;
				parser->path = fxNewParserSymbol(parser, mapPath);
				fxParserSourceMap(parser, file, (txGetter)fgetc, flags, &sourceName);
				fclose(file);
				file = NULL;
				if ((parser->errorCount == 0) && sourceName && realpath(fxCombinePath(parser, mapPath, sourceName), mapPath))
					parser->path = fxNewParserSymbol(parser, mapPath);
			}
		}
		fxParserHoist(parser);
		fxParserBind(parser);
		script = fxParserCode(parser);
	}
	if (file)
		fclose(file);
	free(text);
	fxTerminateParser(parser);
	return script;
}

void fxLoadModule(txMachine *the, txSlot *module, txID moduleID)
{
	txScript *script = loadScript(the, fxGetKeyName(the, moduleID), mxDebugFlag);
	if (script)
		fxResolveModule(the, module, moduleID, script, C_NULL, C_NULL);
}

static void importFulfilled(txMachine *the)
{
	gImportState = 1;
}

static void importRejected(txMachine *the)
{
	gImportState = 2;
	reportException(the, "module failed", mxArgv(0));
}

void xs_host_import(void *machine, const char *path)
{
	txMachine *the = machine;
	txSlot *realm = mxProgram.value.reference->next->value.module.realm;
	gImportState = 0;
	mxPushStringC((txString)path);
	fxRunImport(the, realm, XS_NO_ID);
	mxDub();
	fxGetID(the, mxID(_then));
	mxCall();
	fxNewHostFunction(the, importFulfilled, 1, XS_NO_ID, XS_NO_ID);
	fxNewHostFunction(the, importRejected, 1, XS_NO_ID, XS_NO_ID);
	mxRunCount(2);
	mxPop();
}

int xs_host_import_state(void)
{
	return gImportState;
}

void xs_host_run_jobs(void *machine)
{
	txMachine *the = machine;
	for (;;) {
		while (the->promiseJobs) {
			the->promiseJobs = 0;
			fxRunPromiseJobs(the);
		}
		fxEndJob(the);
		if (!the->promiseJobs)
			break;
	}
}

int xs_host_report_unhandled(void *machine)
{
	fxCheckUnhandledRejections((txMachine *)machine, 1);
	return gUnhandledRejections;
}

int xs_host_aborted(void *machine)
{
	return ((txMachine *)machine)->abortStatus;
}

size_t xs_host_slot_count(void *machine)
{
	return (size_t)((txMachine *)machine)->currentHeapCount;
}

size_t xs_host_chunk_bytes(void *machine)
{
	return (size_t)((txMachine *)machine)->currentChunksSize;
}

size_t xs_host_slot_size(void)
{
	return sizeof(txSlot);
}

uint32_t xs_host_meter(void *machine)
{
	return ((txMachine *)machine)->meterIndex;
}
