// The digest page's inline CSS, for screen and for A4 print. Traffic lights
// carry a shape as well as a colour (see digest-render-view.ts).
export const DIGEST_PAGE_STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; margin: 2rem auto; max-width: 78rem; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2.5rem; border-bottom: 2px solid #d0d7de; } h3 { font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.92rem; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { border: 1px solid #d0d7de; padding: 0.4rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f3f5f7; }
tr.total th, tr.total td { font-weight: 600; background: #fafbfc; }
.value { font-size: 1.05rem; }
.detail { color: #4a5058; font-size: 0.85rem; }
.light { display: inline-block; border-radius: 0.8rem; padding: 0 0.5rem; font-size: 0.82rem; font-weight: 600; border: 1px solid; white-space: nowrap; }
.light-green { background: #dcf5e3; color: #0f5323; border-color: #1e7b34; }
.light-yellow { background: #fff3c4; color: #5c4300; border-color: #b08800; }
.light-red { background: #fde2e1; color: #8a1410; border-color: #c62828; }
.light-none { background: #eef0f2; color: #4a5058; border-color: #8c959f; }
.proposals { list-style: none; padding: 0; }
.proposals li { border: 1px solid #d0d7de; border-radius: 0.4rem; padding: 0.6rem 0.8rem; margin-bottom: 0.6rem; }
.proposals p { margin: 0 0 0.4rem; font-weight: 600; white-space: pre-wrap; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.8rem; margin: 0; font-size: 0.9rem; }
dt { color: #4a5058; } dd { margin: 0; white-space: pre-wrap; }
.note { font-size: 0.88rem; color: #4a5058; }
.chart { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; margin: 0.5rem 0 1.5rem; }
.chart svg { max-width: 100%; height: auto; flex: 0 1 auto; }
.chart table { width: auto; flex: 1 1 16rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; }
  h2 { break-before: auto; break-after: avoid; }
  h3, caption { break-after: avoid; }
  table, .chart, .proposals li { break-inside: avoid; }
  tr { break-inside: avoid; }
  thead th, tr.total th, tr.total td, .light { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .chart svg { max-height: 70mm; }
}
`;
