import type { Clock, Log, Store } from "../../../src/interfaces/index.js";
import type { DeviceInfo } from "../../../src/provision/improv-codec.js";
import type { CollectorCheck, WifiStation } from "../../../src/provision/ports.js";
import type { PreviewSource } from "../../../src/provision/preview.js";
import { Provisioner, type ProvisionerStatus } from "../../../src/provision/provisioner.js";
import { GattBridge } from "./gatt-bridge.js";

export interface ProvisioningHostOptions {
  readonly store: Store;
  readonly log: Log;
  readonly clock: Clock;
  readonly wifi: WifiStation;
  readonly collector: CollectorCheck;
  readonly deviceId: string;
  readonly deviceInfo: DeviceInfo;
  readonly preview?: PreviewSource;
  /** The built companion site, served at / by the bridge. */
  readonly siteRoot?: string;
  readonly port?: number;
  /** See GattBridgeOptions.secureLink (default true). */
  readonly secureLink?: boolean;
  readonly authorizationMs?: number;
  readonly windowMs?: number;
  readonly onProvisioned?: () => void;
  readonly onChange?: (status: ProvisionerStatus) => void;
}

export interface ProvisioningHost {
  /** http://127.0.0.1:port: the companion page, the bridge and the button. */
  readonly url: string;
  readonly provisioner: Provisioner;
  readonly bridge: GattBridge;
  /** The button, as the key press or POST /button give it. */
  pressButton(): void;
  close(): Promise<void>;
}

/** The desktop host's provisioning side: the portable Provisioner behind the local GATT bridge. */
export async function startProvisioningHost(options: ProvisioningHostOptions): Promise<ProvisioningHost> {
  const bridge = await GattBridge.start({
    log: options.log,
    // Requests are served only after this function returns, when the provisioner exists.
    onButton: () => provisioner.pressButton(),
    siteRoot: options.siteRoot,
    port: options.port,
    secureLink: options.secureLink,
  });
  const provisioner = new Provisioner({
    ble: bridge,
    wifi: options.wifi,
    collector: options.collector,
    clock: options.clock,
    store: options.store,
    log: options.log,
    deviceId: options.deviceId,
    deviceInfo: options.deviceInfo,
    preview: options.preview,
    identify: () => options.log.write("info", "identify_requested", { device: options.deviceId }),
    onProvisioned: options.onProvisioned,
    onChange: options.onChange,
    authorizationMs: options.authorizationMs,
    windowMs: options.windowMs,
  });
  provisioner.start();
  return {
    url: bridge.url,
    provisioner,
    bridge,
    pressButton: () => provisioner.pressButton(),
    close: async () => {
      provisioner.stop();
      await bridge.close();
    },
  };
}
