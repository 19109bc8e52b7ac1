import { readFile } from 'node:fs/promises';

/** The dashboard file, as Grafana imports it. */
const DASHBOARD = 'observability/grafana/mec-bot.json';

interface Panel {
  type: string;
  title: string;
  panels?: Panel[];
  targets?: Array<{ expr?: string }>;
}
interface Dashboard {
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: string | { query: string } }> };
}

export const dashboard = async () => JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;

/** Every panel, those inside collapsed rows included. */
const allPanels = (panels: Panel[]): Panel[] =>
  panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);

/** Every PromQL expression of the dashboard's panels, with its panel's title. */
export async function expressions(): Promise<Array<{ title: string; expr: string }>> {
  return allPanels((await dashboard()).panels).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ title: panel.title, expr: target.expr ?? '' })),
  );
}

/** An expression with Grafana's variables given values, as Grafana sends it to Prometheus. */
export const asSent = (expr: string) =>
  expr.replace(/\$__(rate_interval|range|interval)\b/g, '5m').replace(/\$\{?phase\}?/g, 'M6');
