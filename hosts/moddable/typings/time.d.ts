/* "time": $MODDABLE/typings/time.d.ts. */
declare module "time" {
  const Time: {
    set: (seconds: number) => void;
    timezone: number;
    dst: number;
    ticks: number;
    delta(start: number, end?: number): number;
    readonly microseconds?: number;
  };
  export { Time as default };
}
