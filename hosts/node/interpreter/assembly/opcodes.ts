// Kernel codes of the op program that the TypeScript loader writes and the
// AssemblyScript kernels read. Plain numeric constants: this file compiles
// both as TypeScript and as AssemblyScript.

export const KERNEL_CONV_2D = 1;
export const KERNEL_DEPTHWISE_CONV_2D = 2;
export const KERNEL_FULLY_CONNECTED = 3;
export const KERNEL_AVERAGE_POOL_2D = 4;
export const KERNEL_MAX_POOL_2D = 5;
export const KERNEL_ADD = 6;
export const KERNEL_MUL = 7;
export const KERNEL_SOFTMAX = 8;
export const KERNEL_LOGISTIC = 9;
export const KERNEL_COPY = 10;
export const KERNEL_PAD = 11;
export const KERNEL_CONCATENATION = 12;
export const KERNEL_QUANTIZE_FLOAT = 13;
export const KERNEL_REQUANTIZE = 14;
export const KERNEL_DEQUANTIZE = 15;
export const KERNEL_MEAN = 16;

/** Rank that broadcasting, PAD and MEAN kernels work in (shapes are padded with leading 1s). */
export const KERNEL_MAX_RANK = 6;
