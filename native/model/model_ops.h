/*
 * The mask model's operators, exactly: the op resolver registers these and no
 * other (test/xs/device-build.test.ts checks the list against
 * models/mask-model.tflite in CI). OP(builtin name, MicroMutableOpResolver method).
 */
#ifndef EPHEMERA_MODEL_OPS_H
#define EPHEMERA_MODEL_OPS_H

#define EPHEMERA_MODEL_OPS(OP) \
	OP(CONV_2D, AddConv2D) \
	OP(DEPTHWISE_CONV_2D, AddDepthwiseConv2D) \
	OP(SOFTMAX, AddSoftmax) \
	OP(LOGISTIC, AddLogistic)

#endif
