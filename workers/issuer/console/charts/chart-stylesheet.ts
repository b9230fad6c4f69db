/**
 * Rules a page that shows charts adds to its one nonce'd stylesheet (hosted pages have no style
 * attributes: the CSP has no 'unsafe-inline'). Charts scale to their container; a table marked
 * `visually-hidden` stays in the accessibility tree and in the page's text for screen readers.
 */
export const CHART_STYLESHEET = [
  "svg.chart{display:block;width:100%;height:auto;max-width:100%}",
  ".visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}",
  "table.chart-table{border-collapse:collapse}table.chart-table th,table.chart-table td{padding:2px 8px;text-align:right}table.chart-table th[scope=row]{text-align:left}",
].join("");
