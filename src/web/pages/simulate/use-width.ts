/**
 * The width of an element in CSS pixels, kept current with a ResizeObserver: the SVG charts draw at
 * the size they are shown at, so their text stays readable at 360 px.
 */
import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function useWidth(element: RefObject<HTMLElement | null>, fallback = 320): number {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const target = element.current;
    if (!target) return;
    setWidth(target.clientWidth || fallback);
    const observer = new ResizeObserver(() => setWidth(target.clientWidth || fallback));
    observer.observe(target);
    return () => observer.disconnect();
  }, [element.current]);
  return width;
}
