import { useEffect, useRef } from "preact/hooks";
import type { ComponentChildren } from "preact";
import * as echarts from "echarts/core";
import { BarChart, BoxplotChart, HeatmapChart, LineChart, ParallelChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, ParallelComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, BoxplotChart, HeatmapChart, LineChart, ParallelChart, ScatterChart, GridComponent, LegendComponent, ParallelComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

/** A chart's numbers as a table: what a screen reader (and the browser tests) read. */
export interface DataTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
}

/**
 * One ECharts chart, with its data as a table under "Data" (`figure[data-chart=name]`): the
 * picture for the eye, the table for assistive technology and tests.
 */
export function Chart(props: { name: string; title: string; option: echarts.EChartsCoreOption; table: DataTable; height?: number; note?: ComponentChildren }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = echarts.init(el.current!, undefined, { renderer: "canvas" });
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
  }, []);
  useEffect(() => {
    // A browser under automation (the browser tests' screenshots) gets the final picture at once.
    echarts.getInstanceByDom(el.current!)?.setOption({ animation: !navigator.webdriver, ...props.option }, true);
  }, [props.option]);
  return (
    <figure class="chart" data-chart={props.name} data-rows={props.table.rows.length}>
      <figcaption>{props.title}</figcaption>
      {props.note}
      <div ref={el} class="canvas" style={{ height: `${props.height ?? 280}px` }} role="img" aria-label={props.title} />
      <details>
        <summary>Data</summary>
        <Table table={props.table} />
      </details>
    </figure>
  );
}

/** A plain table of a chart's data. */
export function Table({ table }: { table: DataTable }) {
  return (
    <table>
      <thead>
        <tr>{table.columns.map((c) => <th key={c}>{c}</th>)}</tr>
      </thead>
      <tbody>
        {table.rows.map((row, i) => (
          <tr key={i}>{row.map((cell, j) => <td key={j}>{format(cell)}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}

/** A number to at most 4 significant digits; anything else as text. */
export function format(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
  if (value === null || value === undefined) return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
