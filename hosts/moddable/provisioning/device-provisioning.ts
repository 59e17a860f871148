/**
 * Provisioning on the board: the portable Provisioner behind Moddable's BLE
 * server, with the board's Wi-Fi, button and collector check, and the aiming
 * preview from the camera with faces found by the device's own model.
 *
 * The device host creates one at every boot: the window opens by itself on an
 * unprovisioned board, and the button opens it on a provisioned one.
 */
import type { TileKernel } from "../../../src/frame/tile-kernel.js";
import type { Camera, Log, Model, Store } from "../../../src/interfaces/index.js";
import { DetectorFaceFinder } from "../../../src/provision/detector-face-finder.js";
import { AimingPreview } from "../../../src/provision/preview.js";
import { Provisioner } from "../../../src/provision/provisioner.js";
import { DeviceClock } from "../device-clock.js";
import { DeviceWifiStation } from "./device-wifi-station.js";
import { ModdableGattServer } from "./moddable-gatt-server.js";
import { ProvisioningButton } from "./provisioning-button.js";
import { DeviceCollectorCheck } from "./tls-collector-check.js";

export interface DeviceProvisioningOptions {
  readonly store: Store;
  readonly log: Log;
  readonly deviceId: string;
  readonly firmwareVersion: string;
  /** e.g. "ESP32-S3 (XIAO ESP32S3 Sense)". */
  readonly hardware: string;
  /** Resolves true once UTC is known (SNTP after the Wi-Fi join), false if it could not be had. */
  readonly clockReady: () => Promise<boolean>;
  /** For the aiming preview: without both, preview requests are refused. */
  readonly camera?: Camera;
  readonly model?: Model;
  readonly kernel?: TileKernel;
  readonly buttonPin?: number;
  /** Makes the board noticeable for Improv's identify (an LED blink). */
  readonly identify?: () => void;
  /** Settings saved and the window closed: the host restarts into counting. */
  readonly onProvisioned: () => void;
}

export class DeviceProvisioning {
  readonly #provisioner: Provisioner;
  readonly #server: ModdableGattServer;
  readonly #button: ProvisioningButton;
  /** Kept from the provisioner's change reports: the frame loop reads it every tick, and its status getter makes an object. */
  #windowOpen = false;

  constructor(options: DeviceProvisioningOptions) {
    this.#server = new ModdableGattServer();
    const preview = options.camera !== undefined && options.model !== undefined
      ? new AimingPreview({ camera: options.camera, faces: new DetectorFaceFinder({ model: options.model, kernel: options.kernel }) })
      : undefined;
    this.#provisioner = new Provisioner({
      ble: this.#server,
      wifi: new DeviceWifiStation(),
      collector: new DeviceCollectorCheck(options.clockReady),
      clock: new DeviceClock(),
      store: options.store,
      log: options.log,
      deviceId: options.deviceId,
      deviceInfo: { firmwareName: "Ephemera", firmwareVersion: options.firmwareVersion, hardware: options.hardware, deviceName: options.deviceId },
      preview,
      identify: options.identify,
      onProvisioned: options.onProvisioned,
      onChange: (status) => {
        this.#windowOpen = status.windowOpen;
      },
    });
    this.#button = new ProvisioningButton({ pin: options.buttonPin, onPress: () => this.#provisioner.pressButton() });
  }

  /** Starts listening; the window opens now if the board is not provisioned. */
  start(): void {
    this.#provisioner.start();
  }

  get provisioned(): boolean {
    return this.#provisioner.provisioned;
  }

  get windowOpen(): boolean {
    return this.#windowOpen;
  }

  close(): void {
    this.#provisioner.stop();
    this.#button.close();
    this.#server.close();
  }
}
