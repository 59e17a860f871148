/* "embedded:network/interface/wifi" (ECMA-419): $MODDABLE/typings/embedded_network/interface/wifi.d.ts. */
declare module "embedded:network/interface/wifi" {
  export type WiFiChangedProperty = "connection" | "address";

  export interface WiFiConstructorOptions {
    onChanged?: (property: WiFiChangedProperty) => void;
  }

  export interface WiFiConnectOptions {
    SSID: string;
    password?: string;
  }

  export interface WiFiConfigureOptions {
    hostname?: string;
  }

  class WiFi {
    constructor(options: WiFiConstructorOptions);
    close(): void;
    connect(options: WiFiConnectOptions): void;
    disconnect(): void;
    configure(options: WiFiConfigureOptions): void;
    /** 200 disconnected, 300 connecting, 400 associated, 500 associated with an address (the SDK's values). */
    readonly connection: number;
    readonly address: string | undefined;
    readonly MAC: string | undefined;
    readonly SSID: string | undefined;
    readonly RSSI: number | undefined;
  }

  export default WiFi;
}
