extension AuthorizationMatrixTests {
    /// Sign-in, account and workspace pages.
    static let accountPageRows: [Row] = []
}
