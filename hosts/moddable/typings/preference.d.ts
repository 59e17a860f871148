/* "preference": $MODDABLE/typings/preference.d.ts. Keys and domains at most 15 bytes, values at most 4000 bytes on ESP32. */
declare module "preference" {
  const Preference: {
    set: (domain: string, key: string, value: string | boolean | number | ArrayBuffer) => void;
    get: (domain: string, key: string) => string | boolean | number | ArrayBuffer | undefined;
    delete: (domain: string, key: string) => void;
    keys: (domain: string) => string[];
  };
  export { Preference as default };
}
