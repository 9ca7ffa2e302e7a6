/**
 * Where the explorer's SVG graph puts things: the key at the centre, the
 * identities on a ring (two rings past 12), labels on the outer side so they
 * never cross an edge.
 */

export interface Placed {
  x: number;
  y: number;
  /** SVG text-anchor for the label. */
  anchor: 'start' | 'middle' | 'end';
  /** Label position. */
  lx: number;
  ly: number;
}

export interface Layout {
  width: number;
  height: number;
  cx: number;
  cy: number;
  nodes: Placed[];
}

/**
 * @example layoutGraph(3).nodes[0] // straight above the centre
 */
export function layoutGraph(count: number, width = 640, height = 420): Layout {
  const cx = width / 2;
  const cy = height / 2;
  const rings = count > 12 ? 2 : 1;
  const nodes: Placed[] = [];
  for (let i = 0; i < count; i++) {
    const ring = rings === 2 ? i % 2 : 0;
    const r = (Math.min(width, height) / 2 - 56) * (ring === 1 ? 0.62 : 1);
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(count, 1);
    const x = cx + Math.cos(angle) * r;
    const y = cy + Math.sin(angle) * r;
    const dx = Math.cos(angle);
    const anchor: Placed['anchor'] = Math.abs(dx) < 0.3 ? 'middle' : dx > 0 ? 'start' : 'end';
    const off = 16;
    const lx = x + (anchor === 'middle' ? 0 : anchor === 'start' ? off : -off);
    // Two label lines (identity, status): above a node at the top, below one at the bottom.
    const ly = anchor === 'middle' ? y + (Math.sin(angle) > 0 ? 30 : -38) : y + 4;
    nodes.push({ x: round(x), y: round(y), anchor, lx: round(lx), ly: round(ly) });
  }
  return { width, height, cx, cy, nodes };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
