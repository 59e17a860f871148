/* "http" (the SDK's HTTP client): the part of $MODDABLE/typings/http.d.ts used here. */
declare module "http" {
  import type { TCPSocketOptions } from "socket";
  type RequestError = -1;
  type RequestBodyFragment = 0;
  type RequestStatusCode = 1;
  type RequestHeaderReceived = 2;
  type RequestAllHeaders = 3;
  type RequestResponseFragment = 4;
  type RequestAllResponse = 5;
  export type RequestStatus =
    | RequestError
    | RequestBodyFragment
    | RequestStatusCode
    | RequestHeaderReceived
    | RequestAllHeaders
    | RequestResponseFragment
    | RequestAllResponse;
  export type HTTPRequestOptions = TCPSocketOptions | {
    host?: string;
    address?: string;
    port?: number;
    path?: string;
    method?: string;
    headers?: (string | number)[];
    body?: boolean | string | ArrayBuffer;
    response?: typeof String | typeof ArrayBuffer;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's own declaration
  export type HTTPRequestCallback = (message: RequestStatus, val1?: any, val2?: any) => void | number | boolean | string | ArrayBuffer;
  export class Request {
    constructor(options: HTTPRequestOptions);
    close(): void;
    callback: HTTPRequestCallback;
    static readonly requestFragment: RequestBodyFragment;
    static readonly status: RequestStatusCode;
    static readonly header: RequestHeaderReceived;
    static readonly headersComplete: RequestAllHeaders;
    static readonly responseFragment: RequestAllHeaders;
    static readonly responseComplete: RequestAllResponse;
    static readonly error: RequestError;
  }
}
