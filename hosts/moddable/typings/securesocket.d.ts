/* "securesocket" (the SDK's TLS socket): $MODDABLE/typings/securesocket.d.ts, reduced to the class itself. */
declare module "securesocket" {
  export default class SecureSocket {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's own declaration
    constructor(dict: { [k: string]: any });
    close(): void;
  }
}
