/**
 * The XS test host itself: where its engine (XS 13 from @agoric/xsnap) must
 * behave like the SDK's XS 17 on the board, and the SDK's native bindings.
 */
import { strict as assert } from "node:assert";
import { xsHost } from "./xs-host.js";

declare function native(name: string): (...args: unknown[]) => unknown;
declare function Native(name: string): new () => object;

class Tagged extends Native("xs_test_host_destructor") {
  set(tag: number): void {
    native("xs_test_host_set").call(this, tag);
  }
  get(): number {
    return native("xs_test_host_get").call(this) as number;
  }
  static destructed(): number {
    return native("xs_test_host_destructed").call(this) as number;
  }
}

describe("XS test host", () => {
  it("excludes a range starting at U+0000 from a negated class, as XS 17 does (hosts/xs patches XS 13)", () => {
    // eslint-disable-next-line no-control-regex -- the control range is the point
    const printable = /^[^\u0000-\u001f\u007f]+$/;
    assert.equal(printable.test("a\nb"), false);
    assert.equal(printable.test("a\u0000b"), false);
    assert.equal(printable.test("ab"), true);
  });

  it("makes instances of a Native(destructor) class host objects, destroyed by the collector", () => {
    const before = Tagged.destructed();
    const check = (): void => {
      const tagged = new Tagged();
      tagged.set(42);
      assert.equal(tagged.get(), 42);
      assert.ok(tagged instanceof Tagged);
    };
    check();
    xsHost().gc();
    assert.equal(Tagged.destructed(), before + 1);
  });

  it("refuses host data on an ordinary object", () => {
    const plain = {};
    assert.throws(() => native("xs_test_host_set").call(plain, 1));
  });

  it("binds native() call sites once: calling one allocates nothing", () => {
    const host = xsHost();
    const tagged = new Tagged();
    tagged.set(7);
    host.gc();
    const slots = host.slots();
    const chunks = host.chunks();
    for (let i = 0; i < 20; i++) tagged.get();
    const slotsGrown = host.slots() - slots;
    const chunksGrown = host.chunks() - chunks;
    assert.equal(slotsGrown, 0);
    assert.equal(chunksGrown, 0);
  });
});
