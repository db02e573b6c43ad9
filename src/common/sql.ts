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
