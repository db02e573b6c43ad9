/** What the explorers (GraphiQL and Apollo Sandbox) open with: the commune home page of the seed portal, Thị trấn Phát Diệm. */
export const EXAMPLE_QUERY = `# A commune portal's home page in one request: Thị trấn Phát Diệm (14620).
# Press ▶ to run it; edit freely, the schema is on the left.
query CommuneHome($code: ID! = "14620") {
  commune(code: $code) {
    fullName
    district { fullName }
    province { fullName }
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
        origin { code fullName }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
`;
