/** The firmware's main module: the SDK calls its default export once the machine is set up. */
import { DeviceApp } from "./device-app.js";

export default function main(): void {
  new DeviceApp().start();
}
