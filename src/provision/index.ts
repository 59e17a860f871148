/** Provisioning over BLE: Improv Wi-Fi plus Ephemera's vendor service. What hosts and the companion page import. */
export * from "./improv-protocol.js";
export * from "./improv-codec.js";
export * from "./rpc-frame.js";
export { RpcFrameAssembler, FRAGMENT_STALE_MS } from "./frame-assembler.js";
export * from "./vendor-protocol.js";
export * from "./vendor-codec.js";
export { checkCaPem, caFingerprint, MAX_CA_PEM_BYTES } from "./pem.js";
export type { CollectorCheck, CollectorCheckResult, FaceBox, FaceFinder, WifiConnectResult, WifiStation } from "./ports.js";
export { ProvisioningStore, PROVISION_KEYS, deviceConfigJson, type VendorSettings } from "./settings-store.js";
export { AimingPreview, blurFaces, downscaleGray, type PreviewShot, type PreviewSource } from "./preview.js";
export { DetectorFaceFinder } from "./detector-face-finder.js";
export { PROVISIONING_SERVICES, findCharacteristic, type GattCharacteristicSpec, type GattServiceSpec } from "./gatt-table.js";
export { Provisioner, AUTHORIZATION_MS, WINDOW_MS, CLOSE_AFTER_SUCCESS_MS, OPERATION_TIMEOUT_MS, type ProvisionerOptions, type ProvisionerStatus } from "./provisioner.js";
