import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Loading, Problem } from './page.tsx';

/**
 * A screen whose code is loaded when it is first opened (a separate chunk of the build), so the
 * console's first load does not carry it. Shows `label` meanwhile, and a problem if the chunk
 * cannot be fetched (no signal on the first visit).
 */
export function LazyScreen({ load, label }: { load: () => Promise<ComponentType>; label: string }) {
  const [state, setState] = useState<{ screen?: ComponentType; failed?: boolean }>({});
  useEffect(() => {
    let live = true;
    load().then(
      (screen) => live && setState({ screen }),
      () => live && setState({ failed: true }),
    );
    return () => {
      live = false;
    };
  }, [load]);
  if (state.failed) {
    return (
      <Problem title="Halaman tidak dapat dimuat">
        <p>Periksa koneksi internet lalu muat ulang halaman ini.</p>
      </Problem>
    );
  }
  const Screen = state.screen;
  return Screen ? <Screen /> : <Loading label={label} />;
}
