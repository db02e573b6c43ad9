import { ApolloServerPlugin } from '@apollo/server';
import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLField,
  GraphQLFieldResolver,
  GraphQLOutputType,
  GraphQLResolveInfo,
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLSchema,
  GraphQLString,
  isLeafType,
  isListType,
  isObjectType,
  responsePathAsArray,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
} from 'graphql';
import { DEADLINE, deadlineExceededError } from '../common/databaseErrors';
import { formatVietnamTime } from '../common/scalars';
import { Context, ExecutionBudget } from '../context';

/**
 * 8 MiB: a portal's pages answer tens of KB and an article with the longest body (500,000
 * characters) at most 1.5 MB, while one such body asked a thousand times over (621 MB once
 * serialized) is refused after about a dozen copies.
 */
export const DEFAULT_ANSWER_MAX_BYTES = 8 * 1024 * 1024;

/** `extensions.reason` of an answer refused for its size. */
export const ANSWER_TOO_LARGE = 'ANSWER_TOO_LARGE';

/** Strings this long are measured in UTF-8 bytes; shorter ones (names, titles) count a byte a character. */
const MEASURED_STRING = 256;

/** What the caller of a request refused for its answer's size gets: ask for less. */
function answerTooLargeError(max: number, actual: number): GraphQLError {
  return new GraphQLError(
    `The answer would be larger than ${max} bytes and was not sent; ask for less (fewer items, smaller pages, no article bodies in lists).`,
    { extensions: { code: 'BAD_USER_INPUT', reason: ANSWER_TOO_LARGE, limit: 'answerBytes', max, actual, http: { status: 400 } } },
  );
}

/** A leaf value as JSON: exact for ASCII without escapes (quotes, backslashes, control characters count one). */
function leafSize(value: unknown): number {
  if (typeof value === 'string') return 2 + (value.length < MEASURED_STRING ? value.length : Buffer.byteLength(value));
  if (value === null || value === undefined) return 4;
  if (typeof value === 'boolean') return value ? 4 : 5;
  return String(value).length;
}

type Sizer = (value: unknown, budget: ExecutionBudget) => number;

/** A DateTime as the answer writes it, quoted: always 25 characters between 1970 and 9999 (common/scalars.ts). */
const DATE_TIME_BYTES = JSON.stringify(formatVietnamTime(new Date(0))).length;

/**
 * How many bytes a field's value adds to the answer, by the field's type. An object counts its `{`
 * and each of its fields the `}` or `,` after it; a list its `[`, and a `,` or `]` after each item.
 * Leaves are counted as serialized (a DateTime is a Date until then); objects' own fields count
 * themselves as they resolve.
 */
function sizerOf(type: GraphQLOutputType): Sizer {
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const item = sizerOf(nullable.ofType);
    return (value, budget) => {
      if (value === null || value === undefined) return 4;
      // graphql-js takes any iterable as a list: only arrays are sized here (every list of ours is one).
      if (!Array.isArray(value)) return 2;
      let size = value.length === 0 ? 2 : 1 + value.length;
      for (const v of value) size += isPromise(v) ? sizeWhenSettled(v, item, budget) : item(v, budget);
      return size;
    };
  }
  if (isLeafType(nullable)) {
    // The built-in scalars write a value as it is (an ID or String from a number as a string); others are asked.
    if (nullable === GraphQLString || nullable === GraphQLID) return (value) => leafSize(typeof value === 'string' || value == null ? value : String(value));
    if (nullable === GraphQLInt || nullable === GraphQLFloat || nullable === GraphQLBoolean) return leafSize;
    return (value) => {
      if (value === null || value === undefined) return 4;
      // Formatting it twice (here and for the answer) was a third of the guard's cost on a home page.
      if (value instanceof Date) return DATE_TIME_BYTES;
      try {
        return leafSize(nullable.serialize(value));
      } catch {
        return 4; // graphql-js reports the value it cannot serialize, as null
      }
    };
  }
  return (value) => (value === null || value === undefined ? 4 : 1);
}

/** A list item still to come (`_entities` answers promises): counted when it settles, a failed one as the null it becomes. */
function sizeWhenSettled(item: Promise<unknown>, size: Sizer, budget: ExecutionBudget): number {
  item.then(
    (value) => (budget.answerBytes += size(value, budget)),
    () => (budget.answerBytes += 4),
  );
  return 0;
}

/**
 * Stops the request at the field `info` for `error`, unless it was stopped already. The error kept
 * has that field's path: graphql-js reports an error with a path as it is, so every field refused
 * after it adds the same error instead of a new one with its stack (tens of µs each).
 */
function stop(budget: ExecutionBudget, info: GraphQLResolveInfo, error: () => GraphQLError): GraphQLError {
  if (!budget.stoppedBy) {
    const { message, extensions } = error();
    budget.stoppedBy = new GraphQLError(message, { path: responsePathAsArray(info.path), extensions });
  }
  return budget.stoppedBy;
}

/** Why the request is stopped, if it is: stopped already, or its deadline (which moves when the client goes away) has passed. */
function stoppedBy(budget: ExecutionBudget, ctx: Context, info: GraphQLResolveInfo): GraphQLError | null {
  if (budget.stoppedBy) return budget.stoppedBy;
  const deadline = ctx.sql.deadline;
  return deadline && Date.now() >= deadline.at ? stop(budget, info, () => deadlineExceededError(deadline.ms)) : null;
}

/** How a field is guarded, from its type. */
interface FieldBudget {
  size: Sizer;
  /** An object (not a list, not a leaf): its size is known before it arrives, and it starts more work. */
  isObject: boolean;
  isLeaf: boolean;
  /** A list of objects: see untilStopped. */
  listOfObjects: boolean;
}

function fieldBudget(type: GraphQLOutputType): FieldBudget {
  const nullable = getNullableType(type);
  const isLeaf = isLeafType(nullable);
  const isList = isListType(nullable);
  return { size: sizerOf(type), isObject: !isLeaf && !isList, isLeaf, listOfObjects: isList && !isLeafType(getNamedType(type)) };
}

/** Adds a field to the answer: `"key":`, its value's `bytes`, the `,` or `}` after it. Past the limit the request stops. */
function add(budget: ExecutionBudget, info: GraphQLResolveInfo, bytes: number): GraphQLError | null {
  budget.answerBytes += (info.path.key as string).length + 4 + bytes;
  return budget.answerBytes > budget.maxAnswerBytes ? stop(budget, info, () => answerTooLargeError(budget.maxAnswerBytes, budget.answerBytes)) : null;
}

/** A value resolved: counted, and not kept if it makes the answer too large. */
function spend(budget: ExecutionBudget, ctx: Context, info: GraphQLResolveInfo, field: FieldBudget, value: unknown): unknown {
  const tooLarge = add(budget, info, field.size(value, budget));
  if (tooLarge) return refuse(tooLarge);
  return field.listOfObjects && Array.isArray(value) && value.length > STOPPABLE_LIST ? untilStopped(value, budget, ctx, info) : value;
}

/** Lists longer than this are completed only until the request stops (shorter ones cost little to complete or refuse). */
const STOPPABLE_LIST = 16;

/**
 * A list whose items graphql-js stops taking once the request is stopped or past its deadline (the
 * clock is read at each item). graphql-js completes all of a list's items in one go: 1,000 lists of
 * 126 communes that arrived just before the deadline took 12 s (in tests) to complete or refuse.
 */
function untilStopped(items: unknown[], budget: ExecutionBudget, ctx: Context, info: GraphQLResolveInfo): Iterable<unknown> {
  return {
    [Symbol.iterator]() {
      let next = 0;
      return { next: () => (next < items.length && !stoppedBy(budget, ctx, info) ? { value: items[next++], done: false } : { value: undefined, done: true }) };
    },
  };
}

/**
 * A field refused fails as a rejected promise, never a synchronous throw: graphql-js 16 abandons
 * the promises of a list's earlier items when a later item throws (completeListValue), and one of
 * those rejecting unhandled would end the process.
 */
function refuse(error: GraphQLError): Promise<never> {
  return Promise.reject(error);
}

const GUARDED = Symbol('guarded by the execution budget');
type Guarded = GraphQLFieldResolver<unknown, Context> & { [GUARDED]?: true };

/**
 * A field's resolver that does not start once its request is stopped or past its deadline, and
 * adds what it resolves to the answer's size. A synchronous resolver stays synchronous.
 */
function guarded(resolve: GraphQLFieldResolver<unknown, Context>, type: GraphQLOutputType): Guarded {
  const field = fieldBudget(type);
  const guard: Guarded = (source, args, ctx, info) => {
    // Executions outside a gateway request (the schema's own checks, tests of it) have no budget.
    const budget = (ctx as Context | undefined)?.execution;
    if (budget === undefined) return resolve(source, args, ctx, info);
    // A leaf only reads what its object holds (or asks MySQL, which has the deadline): the clock is read where work starts.
    const stopped = field.isLeaf ? budget.stoppedBy : stoppedBy(budget, ctx, info);
    if (stopped) return refuse(stopped);
    const value = resolve(source, args, ctx, info);
    if (!isPromise(value)) return spend(budget, ctx, info, field, value);
    if (field.isObject) {
      // Counted now (a null counts as its `{`); its own fields check the deadline as they start.
      add(budget, info, 1);
      return value;
    }
    return value.then(
      // Time has passed: a value that comes after the deadline is dropped with what it would start (a list's items).
      (resolved) => {
        const stoppedSince = stoppedBy(budget, ctx, info);
        return stoppedSince ? refuse(stoppedSince) : spend(budget, ctx, info, field, resolved);
      },
      (error: unknown) => {
        // A read stopped at the deadline (db/deadline.ts): the rest of the request stops with it.
        if (error instanceof GraphQLError && error.extensions.reason === DEADLINE) stop(budget, info, () => error);
        throw error;
      },
    );
  };
  guard[GUARDED] = true;
  return guard;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Puts every field of `schema` under the execution budget, default resolvers, introspection and
 * graphql-js's meta fields (`__typename`, `__schema`, `__type`) included: those are shared by every
 * schema of the process, and the guard does nothing for an execution without a budget. Wraps the
 * resolvers in place, once however often it is called (the schema is built once per process, a
 * server per test).
 */
export function guardExecution(schema: GraphQLSchema): GraphQLSchema {
  const fields: GraphQLField<unknown, Context>[] = [SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef];
  for (const type of Object.values(schema.getTypeMap())) if (isObjectType(type)) fields.push(...Object.values(type.getFields()));
  for (const field of fields) {
    const resolve = (field.resolve ?? defaultFieldResolver) as Guarded;
    if (!resolve[GUARDED]) field.resolve = guarded(resolve, field.type);
  }
  return schema;
}

/**
 * Gives each request its budget, and answers a request the guard stopped (its deadline passed, or
 * its answer grew past `maxAnswerBytes`) with that one error instead of a partial answer and an
 * error for every field that did not run: a query with no data, HTTP 503 (DEADLINE, retryable) or
 * 400 (ANSWER_TOO_LARGE). A mutation keeps the data its fields answered (docs/limits.md says what
 * a stop means for its writes). First among the plugins, so that the others (logs, metrics, kept
 * answers) see that answer.
 */
export function executionBudgetPlugin(maxAnswerBytes: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      // `{"data":{` and the `}\n` after the root's last field: what the fields add goes in between.
      contextValue.execution = { answerBytes: 11, maxAnswerBytes, stoppedBy: null };
      return {
        async willSendResponse(requestContext) {
          const { response, contextValue: ctx, operation } = requestContext;
          const stopped = ctx.execution?.stoppedBy;
          if (!stopped || response.body.kind !== 'single') return;
          const { http, ...extensions } = stopped.extensions as { http?: { status?: number } } & Record<string, unknown>;
          const result = response.body.singleResult;
          const mutation = operation?.operation === 'mutation';
          // A lone write commits in its resolver, before its answer is built: the caller must not take the error for "nothing changed".
          const message = mutation && !ctx.requestTransaction ? `${stopped.message} A write that had completed before the stop stays applied: see auditLog, and read it back with a query.` : stopped.message;
          const error = { message, extensions: { ...extensions, requestId: ctx.requestId } };
          response.body.singleResult = mutation ? { data: result.data, errors: [error] } : { errors: [error] };
          response.http.status = http?.status;
          if (extensions.retryable) response.http.headers.set('retry-after', '1');
          // What the request log and the metrics read: the one error, not one per field that did not run.
          (requestContext as { errors?: readonly GraphQLError[] }).errors = [stopped];
        },
      };
    },
  };
}
