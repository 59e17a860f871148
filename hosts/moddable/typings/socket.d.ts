/* "socket": the options type of $MODDABLE/typings/socket.d.ts that "http" uses. */
declare module "socket" {
  export type TCPSocketOptions = {
    kind?: "TCP";
    host?: string;
    addresss?: string;
    port?: number;
    noDelay?: boolean;
    keepalive?: {
      idle: number;
      interval: number;
      count: number;
    };
  };
}
