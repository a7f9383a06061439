// An asset's relations drawn as a small graph, laid out by hand in SVG: the asset in the centre; above it what
// it rests on (installed on, depends on), below it what rests on it (installed here, needed by), beside it what
// it is connected to (below too when the page is too narrow for sides). Arrows point from the asset that relies
// to the one relied on; each related asset is a link to its page. The layout follows the box's width, so text
// keeps its size on a phone instead of shrinking with a fixed viewBox.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { AssetRelation } from '../../api/assets';

interface Placed {
  relation: AssetRelation;
  x: number;
  y: number;
  /** Where the edge meets this node, and where it leaves the centre. */
  from: [number, number];
  to: [number, number];
}

const pad = 12;
const gap = 14;
const nodeH = 58;
const centreH = 58;
const rowGap = 40;
const charW = 7.2;

/** The text cut to fit a width, with an ellipsis. */
function clip(text: string, width: number): string {
  const max = Math.max(4, Math.floor(width / charW));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodeW: number;
  centre: { x: number; y: number; w: number };
  nodes: Placed[];
}

/** Place the centre and its related assets for a box this wide. */
export function layoutRelations(relations: AssetRelation[], width: number): GraphLayout {
  const W = Math.max(300, width);
  const nodeW = Math.min(170, Math.floor((W - 2 * pad - gap) / 2));
  const centreW = Math.min(220, W - 2 * pad);
  const perRow = Math.max(1, Math.floor((W - 2 * pad + gap) / (nodeW + gap)));
  const up = relations.filter((r) => r.direction === 'out' && r.kind !== 'connected_to');
  const down = relations.filter((r) => r.direction === 'in' && r.kind !== 'connected_to');
  const side = relations.filter((r) => r.kind === 'connected_to');
  const sidesFit = W >= centreW + 2 * nodeW + 4 * gap + 2 * pad;
  const beside = sidesFit ? side : [];
  const belowAll = sidesFit ? down : [...down, ...side];

  const rowsOf = <T,>(list: T[]): T[][] => {
    const rows: T[][] = [];
    for (let i = 0; i < list.length; i += perRow) rows.push(list.slice(i, i + perRow));
    return rows;
  };
  const rowXs = (n: number) => {
    const total = n * nodeW + (n - 1) * gap;
    const x0 = (W - total) / 2;
    return Array.from({ length: n }, (_, i) => x0 + i * (nodeW + gap));
  };

  const upRows = rowsOf(up);
  const downRows = rowsOf(belowAll);
  const sideRows = Math.ceil(beside.length / 2);
  const middleH = Math.max(centreH, sideRows * nodeH + Math.max(0, sideRows - 1) * gap);
  let y = pad;
  const nodes: Placed[] = [];
  const upY: number[] = [];
  for (const _ of upRows) {
    upY.push(y);
    y += nodeH + gap;
  }
  if (upRows.length) y += rowGap - gap;
  const middleTop = y;
  const cx = (W - centreW) / 2;
  const cy = middleTop + (middleH - centreH) / 2;
  y += middleH;
  if (downRows.length) y += rowGap;
  const downY: number[] = [];
  for (const _ of downRows) {
    downY.push(y);
    y += nodeH + gap;
  }
  const height = (downRows.length ? y - gap : y) + pad;

  // Above: the edge leaves the centre's top and meets a node's bottom; below, the other way round.
  for (const [rows, ys, above] of [
    [upRows, upY, true],
    [downRows, downY, false],
  ] as const) {
    rows.forEach((row, r) => {
      const xs = rowXs(row.length);
      row.forEach((relation, i) => {
        nodes.push({
          relation,
          x: xs[i],
          y: ys[r],
          to: [xs[i] + nodeW / 2, above ? ys[r] + nodeH : ys[r]],
          from: [cx + centreW / 2, above ? cy : cy + centreH],
        });
      });
    });
  }
  beside.forEach((relation, i) => {
    const left = i % 2 === 0;
    const row = Math.floor(i / 2);
    const rowsHere = left ? Math.ceil(beside.length / 2) : Math.floor(beside.length / 2);
    const colH = rowsHere * nodeH + Math.max(0, rowsHere - 1) * gap;
    const ny = middleTop + (middleH - colH) / 2 + row * (nodeH + gap);
    const nx = left ? pad : W - pad - nodeW;
    nodes.push({
      relation,
      x: nx,
      y: ny,
      to: [left ? nx + nodeW : nx, ny + nodeH / 2],
      from: [left ? cx : cx + centreW, cy + centreH / 2],
    });
  });
  return { width: W, height, nodeW, centre: { x: cx, y: cy, w: centreW }, nodes };
}

/** Which side of the relation the arrow points to: always at the asset relied on. */
function arrowAtNode(r: AssetRelation): boolean | null {
  if (r.kind === 'connected_to') return null;
  return r.direction === 'out';
}

export function RelationGraph({
  name,
  typeLabel,
  relations,
}: {
  name: string;
  typeLabel: string;
  relations: AssetRelation[];
}) {
  const { t } = useTranslation('assets');
  const box = useRef<HTMLDivElement>(null);

  const [width, setWidth] = useState(640);
  const navigate = useNavigate();
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setWidth(Math.floor(el.clientWidth));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const g = layoutRelations(relations, width);
  return (
    <div className="relation-graph" ref={box}>
      <svg
        width={g.width}
        height={g.height}
        viewBox={`0 0 ${g.width} ${g.height}`}
        role="group"
        aria-label={t('graph.label', { name })}
      >
        <defs>
          <marker
            id="relation-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" className="relation-arrow" />
          </marker>
        </defs>
        {g.nodes.map((n) => {
          const arrow = arrowAtNode(n.relation);
          return (
            <line
              key={`e${n.relation.id}`}
              x1={n.from[0]}
              y1={n.from[1]}
              x2={n.to[0]}
              y2={n.to[1]}
              className={`relation-edge relation-${n.relation.kind}`}
              markerEnd={arrow === true ? 'url(#relation-arrow)' : undefined}
              markerStart={arrow === false ? 'url(#relation-arrow)' : undefined}
            />
          );
        })}
        <g className="relation-centre" aria-current="page">
          <rect x={g.centre.x} y={g.centre.y} width={g.centre.w} height={centreH} rx={8} />
          <text
            x={g.centre.x + g.centre.w / 2}
            y={g.centre.y + 24}
            textAnchor="middle"
            className="relation-name"
          >
            {clip(name, g.centre.w - 16)}
          </text>
          <text
            x={g.centre.x + g.centre.w / 2}
            y={g.centre.y + 42}
            textAnchor="middle"
            className="relation-type"
          >
            {typeLabel}
          </text>
        </g>
        {g.nodes.map((n) => {
          const r = n.relation;
          const kind = t(`relation.${r.kind}.${r.direction}`);
          const type = t(`type.${r.other.type}`);
          const href = `/assets/${r.other.id}`;
          return (
            <a
              key={`n${r.id}`}
              href={href}
              className="relation-node"
              onClick={(e) => {
                e.preventDefault();
                navigate(href);
              }}
            >
              {/* The link's name (the text drawn may be cut to fit): an SVG link is named by its title. */}
              <title>{t('graph.node', { kind, name: r.other.name, type })}</title>
              <rect x={n.x} y={n.y} width={g.nodeW} height={nodeH} rx={8} />
              <text x={n.x + 8} y={n.y + 16} className="relation-kind">
                {kind}
              </text>
              <text x={n.x + 8} y={n.y + 34} className="relation-name">
                {clip(r.other.name, g.nodeW - 16)}
              </text>
              <text x={n.x + 8} y={n.y + 50} className="relation-type">
                {clip(type, g.nodeW - 16)}
              </text>
            </a>
          );
        })}
      </svg>
    </div>
  );
}
