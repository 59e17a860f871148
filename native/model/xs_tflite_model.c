/*
 * XS binding of the model runner for hosts/moddable/tflite-model.ts. The
 * constructor does all the allocation (the arena; a copy of the model only if
 * its bytes may move, an ArrayBuffer, or are not 16-byte aligned); invoke
 * works on caller-owned typed arrays and allocates nothing.
 */
#include <string.h>

#include "xsmc.h"
#include "model_runner.h"

typedef struct {
	ModelRunner *runner;
	void *copy;
} TfliteModel;

static void release(TfliteModel *model)
{
	if (!model)
		return;
	model_runner_close(model->runner);
	if (model->copy)
		model_copy_free(model->copy);
	c_free(model);
}

void xs_tflite_model_destructor(void *data)
{
	release(data);
}

static ModelRunner *runnerOf(xsMachine *the)
{
	TfliteModel *model = xsmcGetHostData(xsThis);
	if (!model)
		xsUnknownError("model: closed");
	return model->runner;
}

/* constructor(modelBytes, arenaBytes) */
void xs_tflite_model_constructor(xsMachine *the)
{
	void *data;
	xsUnsignedValue length;
	char detail[64];
	xsIntegerValue arenaBytes = xsmcToInteger(xsArg(1));
	if (arenaBytes <= 0)
		xsRangeError("model: arena size must be positive");
	/* A resource (a host buffer in flash) is used in place; an ArrayBuffer may move at any collection. */
	xsIntegerValue relocatable = xsmcGetBufferReadable(xsArg(0), &data, &length);
	TfliteModel *model = c_calloc(1, sizeof(TfliteModel));
	if (!model)
		xsUnknownError("model: not enough memory");
	const uint8_t *bytes = data;
	if ((xsBufferRelocatable == relocatable) || ((uintptr_t)bytes & 15)) {
		model->copy = model_copy_allocate(length);
		if (!model->copy) {
			release(model);
			xsUnknownError("model: cannot allocate %u bytes for an aligned copy", (unsigned)length);
		}
		memcpy(model->copy, bytes, length);
		bytes = model->copy;
	}
	const char *problem = model_runner_open(bytes, length, (size_t)arenaBytes, &model->runner, detail, sizeof(detail));
	if (problem) {
		release(model);
		if (detail[0])
			xsUnknownError("model: %s (%s)", problem, detail);
		xsUnknownError("model: %s", problem);
	}
	xsmcSetHostData(xsThis, model);
}

void xs_tflite_model_close(xsMachine *the)
{
	TfliteModel *model = xsmcGetHostData(xsThis);
	xsmcSetHostData(xsThis, NULL);
	release(model);
}

void xs_tflite_model_get_arena_used(xsMachine *the)
{
	xsmcSetInteger(xsResult, (xsIntegerValue)model_runner_arena_used(runnerOf(the)));
}

void xs_tflite_model_get_arena_size(xsMachine *the)
{
	xsmcSetInteger(xsResult, (xsIntegerValue)model_runner_arena_size(runnerOf(the)));
}

void xs_tflite_model_get_output_count(xsMachine *the)
{
	xsmcSetInteger(xsResult, model_runner_output_count(runnerOf(the)));
}

/* tensor(index): { shape, scale, zeroPoint } of the input (-1) or an output. Called at setup only. */
void xs_tflite_model_tensor(xsMachine *the)
{
	ModelRunner *runner = runnerOf(the);
	xsIntegerValue index = xsmcToInteger(xsArg(0));
	ModelTensorInfo info;
	if ((index < -1) || (index >= model_runner_output_count(runner)))
		xsRangeError("model: no tensor %d", (int)index);
	model_runner_tensor_info(runner, index, &info);
	xsmcVars(2);
	xsmcSetNewObject(xsResult);
	xsmcSetNewArray(xsVar(0), info.dimensionCount);
	for (int i = 0; i < info.dimensionCount; i++) {
		xsmcSetInteger(xsVar(1), info.dimensions[i]);
		xsmcSetIndex(xsVar(0), i, xsVar(1));
	}
	xsmcSet(xsResult, xsID("shape"), xsVar(0));
	xsmcSetNumber(xsVar(1), info.scale);
	xsmcSet(xsResult, xsID("scale"), xsVar(1));
	xsmcSetInteger(xsVar(1), info.zeroPoint);
	xsmcSet(xsResult, xsID("zeroPoint"), xsVar(1));
}

/* invoke(input, outputs): input an Int8Array, outputs an array of Int8Arrays sized as the model's outputs. */
void xs_tflite_model_invoke(xsMachine *the)
{
	ModelRunner *runner = runnerOf(the);
	void *input;
	xsUnsignedValue inputBytes;
	int8_t *outputs[MODEL_RUNNER_MAX_OUTPUTS];
	size_t outputBytes[MODEL_RUNNER_MAX_OUTPUTS];
	int count = model_runner_output_count(runner);
	xsmcVars(1);
	for (int i = 0; i < count; i++) {
		void *data;
		xsUnsignedValue length;
		xsmcGetIndex(xsVar(0), xsArg(1), i);
		xsmcGetBufferWritable(xsVar(0), &data, &length);
		outputs[i] = data;
		outputBytes[i] = length;
	}
	/* Nothing allocates between taking these pointers and using them: a collection could move the buffers. */
	xsmcGetBufferReadable(xsArg(0), &input, &inputBytes);
	const char *problem = model_runner_invoke(runner, input, inputBytes, outputs, outputBytes, count);
	if (problem)
		xsUnknownError("model: %s", problem);
}
