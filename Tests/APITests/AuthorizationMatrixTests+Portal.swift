extension AuthorizationMatrixTests {
    /// The portal's maps, regions and open-data pages and downloads.
    static let portalPageRows: [Row] = []
}
