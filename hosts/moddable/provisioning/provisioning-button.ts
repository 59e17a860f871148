/**
 * The board's physical button (ECMA-419 digital input, active low with the
 * pull-up): on the XIAO ESP32S3 Sense the BOOT button on GPIO 0, free once the
 * chip runs. Presses closer than DEBOUNCE_MS count once.
 */
import Digital from "embedded:io/digital";

const DEBOUNCE_MS = 250;
export const DEFAULT_BUTTON_PIN = 0;

export class ProvisioningButton {
  readonly #input: Digital;
  #lastPress = 0;

  constructor(options: { readonly pin?: number; readonly onPress: () => void }) {
    const onPress = options.onPress;
    this.#input = new Digital({
      pin: options.pin ?? DEFAULT_BUTTON_PIN,
      mode: Digital.InputPullUp,
      edge: Digital.Falling,
      onReadable: () => {
        const now = Date.now();
        if (now - this.#lastPress < DEBOUNCE_MS) return;
        this.#lastPress = now;
        onPress();
      },
    });
  }

  close(): void {
    this.#input.close();
  }
}
