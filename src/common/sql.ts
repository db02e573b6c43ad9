/** SQL text and its parameters, built side by side so they cannot drift apart. */
export class Sql {
  text = '';
  params: unknown[] = [];

  add(text: string, ...params: unknown[]): this {
    this.text += text;
    this.params.push(...params);
    return this;
  }
}

/**
 * `INSERT … ON DUPLICATE KEY UPDATE` of many rows, in the one spelling MariaDB and MySQL 8 both take
 * without a warning: `VALUES(col)` in the UPDATE clause is deprecated from MySQL 8.0.20, and MySQL's
 * row alias (`VALUES … AS new`) is unknown to MariaDB. The rows travel as one JSON parameter, read
 * back by JSON_TABLE (MariaDB 10.6+, MySQL 8.0.4+) as the source table `x`, which `update` names
 * (`own = visit_days.own + x.own`: the table's own column qualified, or MySQL finds it ambiguous).
 * `columns`: each column's SQL type, in the order of the rows' values.
 */
export function upsertRows(table: string, columns: Record<string, string>, update: string, rows: unknown[][]): [string, unknown[]] {
  const names = Object.keys(columns);
  const read = names.map((name, i) => `${name} ${columns[name]} PATH '$[${i}]'`).join(', ');
  return [
    `INSERT INTO ${table} (${names.join(', ')}) SELECT ${names.map((n) => `x.${n}`).join(', ')} FROM JSON_TABLE(?, '$[*]' COLUMNS (${read})) AS x ON DUPLICATE KEY UPDATE ${update}`,
    [JSON.stringify(rows)],
  ];
}
