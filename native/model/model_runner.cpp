/*
 * TensorFlow Lite Micro around the mask model (see model_runner.h). On the
 * board TFLM comes from Espressif's esp-tflite-micro component, whose conv,
 * depthwise conv and softmax kernels are ESP-NN's; the API is the same.
 */
#ifndef TF_LITE_STATIC_MEMORY
#define TF_LITE_STATIC_MEMORY /* as TFLM itself is built: its tensor structs depend on it */
#endif

#include <new>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

#include "model_ops.h"
#include "model_runner.h"

namespace {

#define EPHEMERA_COUNT_OP(name, method) +1
constexpr unsigned int kOpCount = 0 EPHEMERA_MODEL_OPS(EPHEMERA_COUNT_OP);
#undef EPHEMERA_COUNT_OP

using OpResolver = tflite::MicroMutableOpResolver<kOpCount>;

bool registerOps(OpResolver &resolver)
{
#define EPHEMERA_ADD_OP(name, method) if (resolver.method() != kTfLiteOk) return false;
	EPHEMERA_MODEL_OPS(EPHEMERA_ADD_OP)
#undef EPHEMERA_ADD_OP
	return true;
}

}  // namespace

struct ModelRunner {
	OpResolver resolver;
	tflite::MicroInterpreter *interpreter;
	alignas(tflite::MicroInterpreter) unsigned char interpreterStorage[sizeof(tflite::MicroInterpreter)];
	uint8_t *arena;
	size_t arenaBytes;
};

static void describe(const TfLiteTensor *tensor, ModelTensorInfo *info)
{
	memset(info, 0, sizeof(*info));
	const TfLiteIntArray *dims = tensor->dims;
	info->dimensionCount = (dims->size <= MODEL_RUNNER_MAX_DIMS) ? dims->size : MODEL_RUNNER_MAX_DIMS;
	for (int i = 0; i < info->dimensionCount; i++)
		info->dimensions[i] = dims->data[i];
	info->scale = tensor->params.scale;
	info->zeroPoint = tensor->params.zero_point;
	info->bytes = tensor->bytes;
}

extern "C" const char *model_runner_open(const uint8_t *model, size_t modelBytes, size_t arenaBytes, ModelRunner **result, char *detail, size_t detailSize)
{
	*result = NULL;
	if (detail && detailSize)
		detail[0] = 0;
	if (((uintptr_t)model & 15) != 0)
		return "model data is not 16-byte aligned";
	flatbuffers::Verifier verifier(model, modelBytes);
	if (!tflite::VerifyModelBuffer(verifier))
		return "not a valid .tflite flatbuffer";
	const tflite::Model *parsed = tflite::GetModel(model);
	if (parsed->version() != TFLITE_SCHEMA_VERSION) {
		if (detail)
			snprintf(detail, detailSize, "schema %u, expected %d", (unsigned)parsed->version(), TFLITE_SCHEMA_VERSION);
		return "model schema version not supported";
	}

	void *memory = malloc(sizeof(ModelRunner));
	if (!memory)
		return "not enough memory for the model runner";
	ModelRunner *runner = new (memory) ModelRunner();
	runner->interpreter = NULL;
	runner->arena = (uint8_t *)model_arena_allocate(arenaBytes);
	runner->arenaBytes = arenaBytes;
	if (!runner->arena) {
		if (detail)
			snprintf(detail, detailSize, "%u bytes of internal RAM", (unsigned)arenaBytes);
		model_runner_close(runner);
		return "cannot allocate the tensor arena";
	}
	if (!registerOps(runner->resolver)) {
		model_runner_close(runner);
		return "cannot register the model's operators";
	}
	runner->interpreter = new (runner->interpreterStorage) tflite::MicroInterpreter(parsed, runner->resolver, runner->arena, arenaBytes);
	if (runner->interpreter->AllocateTensors() != kTfLiteOk) {
		if (detail)
			snprintf(detail, detailSize, "arena %u bytes", (unsigned)arenaBytes);
		model_runner_close(runner);
		return "arena too small or operator missing";
	}

	tflite::MicroInterpreter *interpreter = runner->interpreter;
	const TfLiteTensor *input = interpreter->input(0);
	if ((interpreter->inputs_size() != 1) || !input || (input->type != kTfLiteInt8)) {
		model_runner_close(runner);
		return "model input is not one int8 tensor";
	}
	size_t outputs = interpreter->outputs_size();
	if ((outputs < 1) || (outputs > MODEL_RUNNER_MAX_OUTPUTS)) {
		model_runner_close(runner);
		return "model must have one or two outputs";
	}
	for (size_t i = 0; i < outputs; i++) {
		if (interpreter->output(i)->type != kTfLiteInt8) {
			model_runner_close(runner);
			return "model outputs must be int8";
		}
	}
	*result = runner;
	return NULL;
}

extern "C" void model_runner_close(ModelRunner *runner)
{
	if (!runner)
		return;
	if (runner->interpreter)
		runner->interpreter->~MicroInterpreter();
	if (runner->arena)
		model_arena_free(runner->arena);
	runner->~ModelRunner();
	free(runner);
}

extern "C" size_t model_runner_arena_used(const ModelRunner *runner)
{
	return runner->interpreter->arena_used_bytes();
}

extern "C" size_t model_runner_arena_size(const ModelRunner *runner)
{
	return runner->arenaBytes;
}

extern "C" int model_runner_output_count(const ModelRunner *runner)
{
	return (int)runner->interpreter->outputs_size();
}

extern "C" void model_runner_tensor_info(const ModelRunner *runner, int index, ModelTensorInfo *info)
{
	tflite::MicroInterpreter *interpreter = runner->interpreter;
	describe((index < 0) ? interpreter->input(0) : interpreter->output((size_t)index), info);
}

extern "C" const char *model_runner_invoke(ModelRunner *runner, const int8_t *input, size_t inputBytes, int8_t *const outputs[], const size_t outputBytes[], int outputCount)
{
	tflite::MicroInterpreter *interpreter = runner->interpreter;
	TfLiteTensor *tensor = interpreter->input(0);
	if (inputBytes != tensor->bytes)
		return "input size differs from the model's input tensor";
	if (outputCount != (int)interpreter->outputs_size())
		return "output count differs from the model's";
	for (int i = 0; i < outputCount; i++) {
		if (outputBytes[i] != interpreter->output((size_t)i)->bytes)
			return "output size differs from the model's output tensor";
	}
	/* TFLM may reuse the input tensor's memory for activations: write it every time. */
	memcpy(tensor->data.int8, input, inputBytes);
	if (interpreter->Invoke() != kTfLiteOk)
		return "model invoke failed";
	for (int i = 0; i < outputCount; i++)
		memcpy(outputs[i], interpreter->output((size_t)i)->data.int8, outputBytes[i]);
	return NULL;
}
