import { type ComponentType, h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Loading, Problem } from './page.tsx';

/**
 * A screen loaded when it is first opened (`import()`: Vite makes it a chunk of its own), so the
 * console's first load carries only the screens most people open. Once loaded it stays loaded; a
 * chunk that cannot be fetched (offline, or a deployment removed it) says so, and opening the
 * screen again tries again.
 */
export function lazyScreen<P extends object>(
  load: () => Promise<ComponentType<P>>,
  label = 'Memuat halaman…',
): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  return function LazyScreen(props: P) {
    const [, setReady] = useState(false);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded !== undefined) return;
      let live = true;
      pending ??= load();
      pending.then(
        (component) => {
          loaded = component;
          if (live) setReady(true);
        },
        () => {
          pending = undefined;
          if (live) setFailed(true);
        },
      );
      return () => {
        live = false;
      };
    }, []);
    if (loaded !== undefined) return h(loaded, props);
    if (failed) {
      return (
        <Problem title="Halaman tidak dapat dimuat">
          <p>Periksa koneksi internet lalu muat ulang halaman ini.</p>
        </Problem>
      );
    }
    return <Loading label={label} />;
  };
}
