extension AuthorizationMatrixTests {
    /// The portal's maps, regions and open-data pages and downloads: public to every caller; a
    /// revoked token is refused before the page, as on every page.
    static let portalPageRows: [Row] = [
        Row(name: "GET /regions", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/regions?measure=ngos", nil) },
        Row(name: "GET /regions/{kato}", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/regions/550000000", nil) },
        Row(name: "GET /regions/{unknown}", expected: [404, 404, 404, 404, 404, 404, 401]) { _ in (.get, "/regions/990000000", nil) },
        Row(name: "GET /open-data", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/open-data", nil) },
        Row(name: "GET /open-data/partnerships-360giving.json", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in
            (.get, "/open-data/partnerships-360giving.json", nil)
        },
        Row(name: "GET /open-data/partnerships.csv", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in
            (.get, "/open-data/partnerships.csv", nil)
        },
        Row(name: "GET /open-data/organizations.csv", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in
            (.get, "/open-data/organizations.csv", nil)
        },
        Row(name: "GET /open-data/projects.csv", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in
            (.get, "/open-data/projects.csv", nil)
        },
        Row(name: "GET /organizations.csv", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in
            (.get, "/organizations.csv?kind=ngo", nil)
        },
        Row(name: "GET /projects.csv", expected: [200, 200, 200, 200, 200, 200, 401]) { _ in (.get, "/projects.csv?status=open", nil) },
        Row(name: "GET /projects.csv?{bad}", expected: [400, 400, 400, 400, 400, 400, 401]) { _ in (.get, "/projects.csv?min_need=lots", nil) },
    ]
}
