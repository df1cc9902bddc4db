/** A table with its column headings (an empty heading over an actions column); rows go into the returned body. */
export function tableWithHead(
  testid: string,
  headings: string[],
  className = 'admin-table',
): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const table = document.createElement('table');
  table.className = className;
  table.dataset.testid = testid;
  const head = document.createElement('tr');
  for (const heading of headings) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = heading;
    head.append(th);
  }
  table.createTHead().append(head);
  return { table, body: table.createTBody() };
}
