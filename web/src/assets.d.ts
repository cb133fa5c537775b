/** Vite's `?url` imports: the built file's URL (the file is emitted as an asset, not bundled). */
declare module '*?url' {
  const url: string;
  export default url;
}
