/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type ArticlePageQueryVariables = Exact<{
  code: string;
  slug: string;
  moreCount: number;
}>;


export type ArticlePageQuery = { unit:
    | { code: string, fullName: string, validTo: string | null, more: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string }> }, parent:
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
       | null, successors: Array<{ whole: boolean, unit:
          | { code: string, fullName: string }
          | { code: string, fullName: string }
          | { code: string, fullName: string }
         }>, documents: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null }> } }
    | { code: string, fullName: string, validTo: string | null, more: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string }> }, parent:
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
       | null, successors: Array<{ whole: boolean, unit:
          | { code: string, fullName: string }
          | { code: string, fullName: string }
          | { code: string, fullName: string }
         }>, documents: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null }> } }
    | { code: string, fullName: string, validTo: string | null, more: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string }> }, parent:
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
       | null, successors: Array<{ whole: boolean, unit:
          | { code: string, fullName: string }
          | { code: string, fullName: string }
          | { code: string, fullName: string }
         }>, documents: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null }> } }
   | null, article: { id: string, title: string, summary: string | null, body: string, publishedAt: string, sourceUrl: string | null, source: { name: string } | null, document: { number: string, documentType: string, issuer: string, issuedOn: string, effectiveOn: string | null, signer: string | null, fileUrl: string | null } | null, related: Array<{ id: string, slug: string, title: string, publishedAt: string }> } | null };

export type RecordVisitMutationVariables = Exact<{
  unitCode: string;
  articleId?: string | null | undefined;
  visitorId: string;
}>;


export type RecordVisitMutation = { recordVisit: boolean };

export type UnitArchiveQueryVariables = Exact<{
  code: string;
  after?: string | null | undefined;
}>;


export type UnitArchiveQuery = { unit:
    | { code: string, fullName: string, validTo: string | null, articles: { totalCount: number, nodes: Array<{ summary: string | null, id: string, slug: string, title: string, publishedAt: string, source: { name: string } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, parent:
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
       | null, successors: Array<{ whole: boolean, unit:
          | { code: string, fullName: string }
          | { code: string, fullName: string }
          | { code: string, fullName: string }
         }> }
    | { code: string, fullName: string, validTo: string | null, articles: { totalCount: number, nodes: Array<{ summary: string | null, id: string, slug: string, title: string, publishedAt: string, source: { name: string } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, parent:
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
       | null, successors: Array<{ whole: boolean, unit:
          | { code: string, fullName: string }
          | { code: string, fullName: string }
          | { code: string, fullName: string }
         }> }
    | { code: string, fullName: string, validTo: string | null, articles: { totalCount: number, nodes: Array<{ summary: string | null, id: string, slug: string, title: string, publishedAt: string, source: { name: string } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, parent:
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
       | null, successors: Array<{ whole: boolean, unit:
          | { code: string, fullName: string }
          | { code: string, fullName: string }
          | { code: string, fullName: string }
         }> }
   | null };

export type UnitCountersQueryVariables = Exact<{
  code: string;
}>;


export type UnitCountersQuery = { unit:
    | { visits: { total: number, online: number, today: number } }
    | { visits: { total: number, online: number, today: number } }
    | { visits: { total: number, online: number, today: number } }
   | null };

export type UnitHomeQueryVariables = Exact<{
  code: string;
}>;


export type UnitHomeQuery = { unit:
    | { code: string, fullName: string, validTo: string | null, news: { nodes: Array<{ summary: string | null, id: string, slug: string, title: string, publishedAt: string, source: { name: string } | null }> }, parent:
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
       | null, successors: Array<{ whole: boolean, unit:
          | { code: string, fullName: string }
          | { code: string, fullName: string }
          | { code: string, fullName: string }
         }>, documents: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null }> } }
    | { code: string, fullName: string, validTo: string | null, news: { nodes: Array<{ summary: string | null, id: string, slug: string, title: string, publishedAt: string, source: { name: string } | null }> }, parent:
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
       | null, successors: Array<{ whole: boolean, unit:
          | { code: string, fullName: string }
          | { code: string, fullName: string }
          | { code: string, fullName: string }
         }>, documents: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null }> } }
    | { code: string, fullName: string, validTo: string | null, news: { nodes: Array<{ summary: string | null, id: string, slug: string, title: string, publishedAt: string, source: { name: string } | null }> }, parent:
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
       | null, successors: Array<{ whole: boolean, unit:
          | { code: string, fullName: string }
          | { code: string, fullName: string }
          | { code: string, fullName: string }
         }>, documents: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null }> } }
   | null };

export type UnitSearchQueryVariables = Exact<{
  code: string;
  words: string;
  searching: boolean;
  after?: string | null | undefined;
}>;


export type UnitSearchQuery = { unit:
    | { code: string, fullName: string, validTo: string | null, byNumber?: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null }> }, articles?: { totalCount: number, nodes: Array<{ summary: string | null, id: string, slug: string, title: string, publishedAt: string, source: { name: string } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, parent:
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
       | null, successors: Array<{ whole: boolean, unit:
          | { code: string, fullName: string }
          | { code: string, fullName: string }
          | { code: string, fullName: string }
         }> }
    | { code: string, fullName: string, validTo: string | null, byNumber?: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null }> }, articles?: { totalCount: number, nodes: Array<{ summary: string | null, id: string, slug: string, title: string, publishedAt: string, source: { name: string } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, parent:
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
       | null, successors: Array<{ whole: boolean, unit:
          | { code: string, fullName: string }
          | { code: string, fullName: string }
          | { code: string, fullName: string }
         }> }
    | { code: string, fullName: string, validTo: string | null, byNumber?: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null }> }, articles?: { totalCount: number, nodes: Array<{ summary: string | null, id: string, slug: string, title: string, publishedAt: string, source: { name: string } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, parent:
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
        | { fullName: string, parent:
            | { fullName: string }
            | { fullName: string }
            | { fullName: string }
           | null }
       | null, successors: Array<{ whole: boolean, unit:
          | { code: string, fullName: string }
          | { code: string, fullName: string }
          | { code: string, fullName: string }
         }> }
   | null };

type PortalUnit_Commune_Fragment = { code: string, fullName: string, validTo: string | null, parent:
    | { fullName: string, parent:
        | { fullName: string }
        | { fullName: string }
        | { fullName: string }
       | null }
    | { fullName: string, parent:
        | { fullName: string }
        | { fullName: string }
        | { fullName: string }
       | null }
    | { fullName: string, parent:
        | { fullName: string }
        | { fullName: string }
        | { fullName: string }
       | null }
   | null, successors: Array<{ whole: boolean, unit:
      | { code: string, fullName: string }
      | { code: string, fullName: string }
      | { code: string, fullName: string }
     }> };

type PortalUnit_District_Fragment = { code: string, fullName: string, validTo: string | null, parent:
    | { fullName: string, parent:
        | { fullName: string }
        | { fullName: string }
        | { fullName: string }
       | null }
    | { fullName: string, parent:
        | { fullName: string }
        | { fullName: string }
        | { fullName: string }
       | null }
    | { fullName: string, parent:
        | { fullName: string }
        | { fullName: string }
        | { fullName: string }
       | null }
   | null, successors: Array<{ whole: boolean, unit:
      | { code: string, fullName: string }
      | { code: string, fullName: string }
      | { code: string, fullName: string }
     }> };

type PortalUnit_Province_Fragment = { code: string, fullName: string, validTo: string | null, parent:
    | { fullName: string, parent:
        | { fullName: string }
        | { fullName: string }
        | { fullName: string }
       | null }
    | { fullName: string, parent:
        | { fullName: string }
        | { fullName: string }
        | { fullName: string }
       | null }
    | { fullName: string, parent:
        | { fullName: string }
        | { fullName: string }
        | { fullName: string }
       | null }
   | null, successors: Array<{ whole: boolean, unit:
      | { code: string, fullName: string }
      | { code: string, fullName: string }
      | { code: string, fullName: string }
     }> };

export type PortalUnitFragment =
  | PortalUnit_Commune_Fragment
  | PortalUnit_District_Fragment
  | PortalUnit_Province_Fragment
;

export type ArticleLinkFragment = { id: string, slug: string, title: string, publishedAt: string };

export type ArticleTeaserFragment = { summary: string | null, id: string, slug: string, title: string, publishedAt: string, source: { name: string } | null };

export type TeaserPageFragment = { totalCount: number, nodes: Array<{ summary: string | null, id: string, slug: string, title: string, publishedAt: string, source: { name: string } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } };

export type DocumentLinkFragment = { id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null };

type PortalSidebar_Commune_Fragment = { documents: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null }> } };

type PortalSidebar_District_Fragment = { documents: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null }> } };

type PortalSidebar_Province_Fragment = { documents: { nodes: Array<{ id: string, slug: string, title: string, publishedAt: string, document: { number: string, documentType: string, issuer: string, issuedOn: string } | null }> } };

export type PortalSidebarFragment =
  | PortalSidebar_Commune_Fragment
  | PortalSidebar_District_Fragment
  | PortalSidebar_Province_Fragment
;

export const PortalUnitFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PortalUnit"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AdministrativeUnit"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"validTo"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"successors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whole"}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}}]}}]}}]} as unknown as DocumentNode<PortalUnitFragment, unknown>;
export const ArticleLinkFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}}]}}]} as unknown as DocumentNode<ArticleLinkFragment, unknown>;
export const ArticleTeaserFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleTeaser"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleLink"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}}]}}]} as unknown as DocumentNode<ArticleTeaserFragment, unknown>;
export const TeaserPageFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TeaserPage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ArticleConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleTeaser"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleTeaser"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleLink"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<TeaserPageFragment, unknown>;
export const DocumentLinkFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleLink"}},{"kind":"Field","name":{"kind":"Name","value":"document"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"documentType"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"issuedOn"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}}]}}]} as unknown as DocumentNode<DocumentLinkFragment, unknown>;
export const PortalSidebarFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PortalSidebar"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AdministrativeUnit"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"documents"},"name":{"kind":"Name","value":"articles"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"kinds"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"LEGAL_DOCUMENT"}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentLink"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleLink"}},{"kind":"Field","name":{"kind":"Name","value":"document"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"documentType"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"issuedOn"}}]}}]}}]} as unknown as DocumentNode<PortalSidebarFragment, unknown>;
export const ArticlePageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ArticlePage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"slug"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"moreCount"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PortalUnit"}},{"kind":"Field","alias":{"kind":"Name","value":"more"},"name":{"kind":"Name","value":"articles"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"moreCount"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleLink"}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PortalSidebar"}}]}},{"kind":"Field","name":{"kind":"Name","value":"article"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"slug"},"value":{"kind":"Variable","name":{"kind":"Name","value":"slug"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"sourceUrl"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"document"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"documentType"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"issuedOn"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveOn"}},{"kind":"Field","name":{"kind":"Name","value":"signer"}},{"kind":"Field","name":{"kind":"Name","value":"fileUrl"}}]}},{"kind":"Field","name":{"kind":"Name","value":"related"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleLink"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleLink"}},{"kind":"Field","name":{"kind":"Name","value":"document"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"documentType"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"issuedOn"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PortalUnit"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AdministrativeUnit"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"validTo"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"successors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whole"}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PortalSidebar"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AdministrativeUnit"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"documents"},"name":{"kind":"Name","value":"articles"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"kinds"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"LEGAL_DOCUMENT"}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentLink"}}]}}]}}]}}]} as unknown as DocumentNode<ArticlePageQuery, ArticlePageQueryVariables>;
export const RecordVisitDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordVisit"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unitCode"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"articleId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"visitorId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordVisit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unitCode"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unitCode"}}},{"kind":"Argument","name":{"kind":"Name","value":"articleId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"articleId"}}},{"kind":"Argument","name":{"kind":"Name","value":"visitorId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"visitorId"}}}]}]}}]} as unknown as DocumentNode<RecordVisitMutation, RecordVisitMutationVariables>;
export const UnitArchiveDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnitArchive"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PortalUnit"}},{"kind":"Field","name":{"kind":"Name","value":"articles"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TeaserPage"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleTeaser"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleLink"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PortalUnit"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AdministrativeUnit"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"validTo"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"successors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whole"}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TeaserPage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ArticleConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleTeaser"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]} as unknown as DocumentNode<UnitArchiveQuery, UnitArchiveQueryVariables>;
export const UnitCountersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnitCounters"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"visits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"online"}},{"kind":"Field","name":{"kind":"Name","value":"today"}}]}}]}}]}}]} as unknown as DocumentNode<UnitCountersQuery, UnitCountersQueryVariables>;
export const UnitHomeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnitHome"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PortalUnit"}},{"kind":"Field","alias":{"kind":"Name","value":"news"},"name":{"kind":"Name","value":"articles"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleTeaser"}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"PortalSidebar"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleLink"}},{"kind":"Field","name":{"kind":"Name","value":"document"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"documentType"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"issuedOn"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PortalUnit"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AdministrativeUnit"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"validTo"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"successors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whole"}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleTeaser"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleLink"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PortalSidebar"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AdministrativeUnit"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"documents"},"name":{"kind":"Name","value":"articles"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"kinds"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"LEGAL_DOCUMENT"}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentLink"}}]}}]}}]}}]} as unknown as DocumentNode<UnitHomeQuery, UnitHomeQueryVariables>;
export const UnitSearchDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnitSearch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"words"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"searching"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PortalUnit"}},{"kind":"Field","alias":{"kind":"Name","value":"byNumber"},"name":{"kind":"Name","value":"articles"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"documentNumber"},"value":{"kind":"Variable","name":{"kind":"Name","value":"words"}}}]}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"searching"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DocumentLink"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"articles"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"words"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"EnumValue","value":"RELEVANCE"}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"searching"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TeaserPage"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ArticleTeaser"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleLink"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PortalUnit"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AdministrativeUnit"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"validTo"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"successors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whole"}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DocumentLink"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Article"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleLink"}},{"kind":"Field","name":{"kind":"Name","value":"document"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"documentType"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"issuedOn"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TeaserPage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ArticleConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ArticleTeaser"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]} as unknown as DocumentNode<UnitSearchQuery, UnitSearchQueryVariables>;