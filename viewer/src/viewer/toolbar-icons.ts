/**
 * The toolbar's icons: Lucide (lucide-static, ISC licence), one SVG file per icon imported as
 * markup by Vite's `?raw`, so only the icons named here reach the bundle. The markup is the
 * package's own (no user data), parsed once per button.
 */
import arrowUpRight from 'lucide-static/icons/arrow-up-right.svg?raw';
import chevronDown from 'lucide-static/icons/chevron-down.svg?raw';
import circle from 'lucide-static/icons/circle.svg?raw';
import circleHelp from 'lucide-static/icons/circle-help.svg?raw';
import clipboardList from 'lucide-static/icons/clipboard-list.svg?raw';
import columns2 from 'lucide-static/icons/columns-2.svg?raw';
import crosshair from 'lucide-static/icons/crosshair.svg?raw';
import download from 'lucide-static/icons/download.svg?raw';
import fileText from 'lucide-static/icons/file-text.svg?raw';
import flipHorizontal from 'lucide-static/icons/flip-horizontal-2.svg?raw';
import flipVertical from 'lucide-static/icons/flip-vertical-2.svg?raw';
import grid2x2 from 'lucide-static/icons/grid-2x2.svg?raw';
import link from 'lucide-static/icons/link.svg?raw';
import maximize from 'lucide-static/icons/maximize.svg?raw';
import menu from 'lucide-static/icons/menu.svg?raw';
import messageSquareText from 'lucide-static/icons/message-square-text.svg?raw';
import move from 'lucide-static/icons/move.svg?raw';
import panelLeft from 'lucide-static/icons/panel-left.svg?raw';
import play from 'lucide-static/icons/play.svg?raw';
import pause from 'lucide-static/icons/pause.svg?raw';
import printer from 'lucide-static/icons/printer.svg?raw';
import rotateCw from 'lucide-static/icons/rotate-cw.svg?raw';
import rotateCcw from 'lucide-static/icons/rotate-ccw.svg?raw';
import rows2 from 'lucide-static/icons/rows-2.svg?raw';
import ruler from 'lucide-static/icons/ruler.svg?raw';
import send from 'lucide-static/icons/send.svg?raw';
import share2 from 'lucide-static/icons/share-2.svg?raw';
import slidersHorizontal from 'lucide-static/icons/sliders-horizontal.svg?raw';
import square from 'lucide-static/icons/square.svg?raw';
import star from 'lucide-static/icons/star.svg?raw';
import sunMoon from 'lucide-static/icons/sun-moon.svg?raw';
import tags from 'lucide-static/icons/tags.svg?raw';
import triangleRight from 'lucide-static/icons/triangle-right.svg?raw';
import zoomIn from 'lucide-static/icons/zoom-in.svg?raw';
import chevronsUpDown from 'lucide-static/icons/chevrons-up-down.svg?raw';
import spline from 'lucide-static/icons/spline.svg?raw';

export const ICONS = {
  scroll: chevronsUpDown,
  pan: move,
  zoom: zoomIn,
  fit: maximize,
  reset: rotateCcw,
  rotate: rotateCw,
  flipH: flipHorizontal,
  flipV: flipVertical,
  windowLevel: sunMoon,
  presets: slidersHorizontal,
  Length: ruler,
  Angle: triangleRight,
  CobbAngle: spline,
  RectangleRoi: square,
  EllipticalRoi: circle,
  Probe: crosshair,
  ArrowAnnotate: arrowUpRight,
  keyImage: star,
  layout1x1: square,
  layout1x2: columns2,
  layout2x1: rows2,
  layout2x2: grid2x2,
  sync: link,
  play,
  pause,
  tags,
  help: circleHelp,
  print: printer,
  download,
  share: share2,
  send,
  consult: messageSquareText,
  report: fileText,
  measurementReport: clipboardList,
  series: panelLeft,
  menu,
  chevronDown,
} as const;

export type IconName = keyof typeof ICONS;

/** An `<svg>` element for the icon, hidden from assistive technology (the button has the label). */
export function icon(name: IconName): SVGElement {
  const template = document.createElement('template');
  template.innerHTML = ICONS[name];
  const svg = template.content.querySelector('svg')!;
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.classList.add('toolbar-icon');
  return svg;
}
