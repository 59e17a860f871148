/* "Resource": $MODDABLE/typings/Resource.d.ts. A resource is read-only data in flash. */
declare module "Resource" {
  interface ResourcePrototype extends HostBuffer {
    slice(begin: number, end?: number): ArrayBuffer;
    slice(begin: number, end?: number, copy?: boolean): HostBuffer;
  }
  export interface ResourceConstructor {
    new (path: string): ResourcePrototype;
    exists(path: string): boolean;
  }
  const Resource: ResourceConstructor;
  export { Resource as default };
}
