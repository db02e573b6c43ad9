/**
 * The writes the suites send, written once. Not in tests/operations/*.graphql: those are the benchmark
 * scenarios, which the gateway knows by name (KNOWN_OPERATIONS, checked against that folder).
 * A suite that tests a particular shape (other fields, inline arguments, aliases) writes its own.
 */

export const CREATE_ARTICLE = 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }';

export const UPDATE_ARTICLE = 'mutation($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { id } }';

export const DELETE_ARTICLE = 'mutation($id: ID!) { deleteArticle(id: $id) }';

export const SYNDICATE = 'mutation($input: SyndicationInput!) { syndicate(input: $input) { changed } }';

export const WITHDRAW = 'mutation($input: SyndicationInput!) { withdraw(input: $input) { changed } }';

export const RECORD_VISIT = 'mutation($unitCode: ID!, $articleId: ID, $visitorId: String!) { recordVisit(unitCode: $unitCode, articleId: $articleId, visitorId: $visitorId) }';

export const CREATE_SOURCE = 'mutation($input: CreateSourceInput!) { createSource(input: $input) { id name url } }';
