export type { Camera, GrayFrame } from "./camera.js";
export type { Model, Quantization, TensorSpec } from "./model.js";
export type { Cancel, Clock } from "./clock.js";
export type { Store } from "./store.js";
export { STORE_MAX_KEY_LENGTH, STORE_MAX_VALUE_BYTES } from "./store.js";
export type { Https, HttpsRequest, HttpsResponse } from "./https.js";
export type { Log, LogFields, LogLevel } from "./log.js";
export type { BleAdvertisement, BleGattHandler, BleGattServer, BleServiceData } from "./ble.js";
