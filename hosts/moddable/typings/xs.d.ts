/* Globals of the XS engine, as $MODDABLE/xs/includes/xs.d.ts declares them. */
interface Trace {
  (...log: (string | number | boolean)[]): void;
}
declare const trace: Trace;

declare class HostBuffer {
  readonly byteLength: number;
  private brand: boolean;
}

/* As in the SDK: a HostBuffer is an ArrayBufferLike, so ArrayBufferLike values lack ArrayBuffer's methods. */
interface ArrayBufferTypes {
  HostBuffer: HostBuffer;
}

/* The SDK declares both with any-typed signatures; kept identical so that code checks the same way in both. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's own declaration
declare function Native(name: string): new (...args: any[]) => any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's own declaration
declare function native(name: string): (...args: any[]) => any;
