/** The parts of cornerstone-core 2.6 this app uses (the package ships no type declarations). */
declare module 'cornerstone-core' {
  export type PixelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint8ClampedArray | Float32Array;

  export interface Image {
    imageId: string;
    minPixelValue: number;
    maxPixelValue: number;
    slope: number;
    intercept: number;
    windowCenter: number;
    windowWidth: number;
    getPixelData(): PixelArray;
    rows: number;
    columns: number;
    height: number;
    width: number;
    color: boolean;
    rgba?: boolean;
    invert: boolean;
    columnPixelSpacing?: number;
    rowPixelSpacing?: number;
    sizeInBytes: number;
    floatPixelData?: Float32Array;
  }

  export interface ImageLoadObject {
    promise: Promise<Image>;
    cancelFn?: () => void;
  }

  export type ImageLoader = (imageId: string, options?: unknown) => ImageLoadObject;

  export interface Viewport {
    scale: number;
    translation: { x: number; y: number };
    voi: { windowWidth: number; windowCenter: number };
    invert: boolean;
    pixelReplication: boolean;
    rotation: number;
    hflip: boolean;
    vflip: boolean;
    modalityLUT?: unknown;
    voiLUT?: unknown;
  }

  export interface EnabledElement {
    element: HTMLElement;
    image?: Image;
    viewport?: Viewport;
    canvas: HTMLCanvasElement;
  }

  export interface ImageRenderedEventDetail {
    element: HTMLElement;
    image: Image;
    viewport: Viewport;
    enabledElement: EnabledElement;
  }

  export const EVENTS: {
    IMAGE_RENDERED: 'cornerstoneimagerendered';
    NEW_IMAGE: 'cornerstonenewimage';
    ELEMENT_RESIZED: 'cornerstoneelementresized';
    ELEMENT_ENABLED: 'cornerstoneelementenabled';
    [name: string]: string;
  };
  /** Where cornerstone announces elements enabled and disabled (cornerstone-tools listens). */
  export const events: EventTarget;

  export function enable(element: HTMLElement, options?: Record<string, unknown>): void;
  export function disable(element: HTMLElement): void;
  export function registerImageLoader(scheme: string, loader: ImageLoader): void;
  export function loadImage(imageId: string): Promise<Image>;
  export function loadAndCacheImage(imageId: string): Promise<Image>;
  export function displayImage(element: HTMLElement, image: Image, viewport?: Partial<Viewport>): void;
  export function getViewport(element: HTMLElement): Viewport | undefined;
  export function setViewport(element: HTMLElement, viewport: Partial<Viewport>): void;
  export function getDefaultViewportForImage(element: HTMLElement, image: Image): Viewport;
  export function getEnabledElement(element: HTMLElement): EnabledElement;
  export function getEnabledElements(): EnabledElement[];
  export function getImage(element: HTMLElement): Image | undefined;
  export function fitToWindow(element: HTMLElement): void;
  export function resize(element: HTMLElement, forceFitToWindow?: boolean): void;
  export function reset(element: HTMLElement): void;
  export function updateImage(element: HTMLElement, invalidated?: boolean): void;
  export function pageToPixel(element: HTMLElement, pageX: number, pageY: number): { x: number; y: number };
  export function pixelToCanvas(element: HTMLElement, point: { x: number; y: number }): { x: number; y: number };
  /** Draws the image with the viewport on the canvas at once, without an enabled element (no tool draws on it). */
  export function renderToCanvas(canvas: HTMLCanvasElement, image: Image, viewport?: Partial<Viewport>): void;

  export const imageCache: {
    setMaximumSizeBytes(bytes: number): void;
    purgeCache(): void;
    getImageLoadObject(imageId: string): ImageLoadObject | undefined;
    /** Throws when the id is not in the cache. */
    removeImageLoadObject(imageId: string): void;
  };

  const cornerstone: {
    EVENTS: typeof EVENTS;
    events: typeof events;
    enable: typeof enable;
    disable: typeof disable;
    registerImageLoader: typeof registerImageLoader;
    loadImage: typeof loadImage;
    loadAndCacheImage: typeof loadAndCacheImage;
    displayImage: typeof displayImage;
    getViewport: typeof getViewport;
    setViewport: typeof setViewport;
    getDefaultViewportForImage: typeof getDefaultViewportForImage;
    getEnabledElement: typeof getEnabledElement;
    getEnabledElements: typeof getEnabledElements;
    getImage: typeof getImage;
    fitToWindow: typeof fitToWindow;
    resize: typeof resize;
    reset: typeof reset;
    updateImage: typeof updateImage;
    pageToPixel: typeof pageToPixel;
    pixelToCanvas: typeof pixelToCanvas;
    renderToCanvas: typeof renderToCanvas;
    imageCache: typeof imageCache;
  };
  export default cornerstone;
}
