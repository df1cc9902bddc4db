// lucide-static ships one SVG file per icon; Vite's `?raw` import gives its markup as a string.
declare module 'lucide-static/icons/*.svg?raw' {
  const svg: string;
  export default svg;
}
