/* Table pages of the archive: the Chinese heading over each column's ASCII name, the key
   columns first (report_summary), and long text cut to one line with the whole on hover. */
function nianbaoTable(headings, first) {
  const table = document.querySelector("table.rows-and-columns");
  if (!table) return;
  table.querySelectorAll("thead th").forEach((th) => {
    const column = th.dataset.column;
    if (!headings[column] || th.querySelector(".zh")) return;
    const label = document.createElement("span");
    label.className = "zh";
    label.textContent = headings[column];
    th.prepend(label);
  });
  const headers = Array.from(table.querySelectorAll("thead th"));
  const order = first.map((c) => headers.findIndex((th) => th.dataset.column === c)).filter((i) => i >= 0);
  if (order.length) {
    const rest = headers.map((_, i) => i).filter((i) => !order.includes(i));
    const wanted = order.concat(rest);
    table.querySelectorAll("tr").forEach((tr) => {
      const cells = Array.from(tr.children);
      if (cells.length === wanted.length) wanted.forEach((i) => tr.appendChild(cells[i]));
    });
  }
  table.querySelectorAll("td.type-str").forEach((td) => { td.title = td.textContent.trim(); });
}
