/** What the explorers (GraphiQL and Apollo Sandbox) open with: the commune home page of the seed portal, Xã Phát Diệm, with its history. */
export const EXAMPLE_QUERY = `# A commune portal's home page in one request: Xã Phát Diệm (14620 since 2025-07-01).
# Its feed keeps the archive of the units it was made of (history: true, the default): add
# on: "2025-06-30" to commune(...) for Thị trấn Phát Diệm on the old map.
# Press ▶ to run it; edit freely, the schema is on the left.
query CommuneHome($code: ID! = "14620") {
  commune(code: $code) {
    fullName
    path
    province { fullName }
    predecessors { unit { code fullName validTo } whole }
    # 'Thống kê truy cập': Lượt truy cập, Hôm nay, Trực tuyến
    visits { total today online }
    articles(first: 10) {
      totalCount
      nodes {
        id
        title
        slug
        publishedAt
        summary
        source { name }
        origin { code fullName validTo }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
`;
