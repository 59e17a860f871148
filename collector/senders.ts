/** Sends one alert message to one recipient; throws a DeliveryError when it could not. */
export interface MessageSender {
  send(recipient: string, subject: string, text: string): Promise<void>;
  close(): void;
}

/** A failed send. `permanent` when trying again cannot help (a refused address, a refused login). */
export class DeliveryError extends Error {
  override name = "DeliveryError";
  readonly permanent: boolean;

  constructor(message: string, permanent: boolean, options?: ErrorOptions) {
    super(message, options);
    this.permanent = permanent;
  }
}

/** Error text kept in the outbox and logs: one line, bounded. */
export function errorSummary(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, " ").slice(0, 300);
}
