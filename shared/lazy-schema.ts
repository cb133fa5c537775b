/**
 * A value (a zod schema) built on its first use instead of at module load, behind the same name and
 * type. Building a zod schema is not free (~0.1 ms a node on a cold process): `shared/model.ts`
 * declares ~150 nodes and each function uses a few of them; building every schema of the shared
 * modules at load cost a route 10–15 ms of its import, of which the schemas a request parses are
 * paid on its first use instead (issue #11, README "Cold start"). Every
 * operation on the returned object is forwarded to the built value: methods, `.shape`,
 * `instanceof`, `in`, spreading.
 *
 * Annotate each call `@__PURE__` (as `shared/model.ts` does): esbuild then leaves out of a bundle
 * the schemas the bundle never names (it does not carry a `@__NO_SIDE_EFFECTS__` mark across
 * modules).
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => {
    built ??= build();
    return built;
  };
  // The target is only a placeholder: every trap reads the built value. Descriptors are reported
  // configurable, as a proxy may not claim a non-configurable property its (empty) target lacks.
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(real(), key),
    set: (_target, key, value) => Reflect.set(real(), key, value),
    has: (_target, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_target, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
