// Test helper: writes to a FileStore in a loop until killed (see file-store.test.ts).
import { FileStore } from "../../hosts/node/file-store.js";

const path = process.argv[2];
const store = new FileStore(path);
let n = Number(store.get("a") ?? "0");
let announced = false;
for (;;) {
  n++;
  store.set("a", String(n));
  store.set("pad", "x".repeat(3000 + (n % 900))); // a larger write widens the window for a crash mid-write
  store.set("b", String(n));
  // Tell the test once a whole round is on disk; the kill comes after.
  if (!announced) {
    announced = true;
    process.send?.("started");
    await new Promise((resolve) => setImmediate(resolve)); // let the message leave
  }
}
