// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "asar",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "asar", targets: ["asar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(name: "Matching"),
        .target(
            name: "Storage",
            dependencies: [
                "Postgres",
                "Matching",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "API",
            dependencies: [
                "Storage",
                "Matching",
                "Postgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The OpenAPI document served at GET /openapi.json.
            resources: [.copy("Resources/openapi.json")]
        ),
        .executableTarget(
            name: "asar",
            dependencies: [
                "API",
                "Storage",
                "Postgres",
                "Matching",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Creates a migrated template database once per test run and a fresh copy per test.
        .target(name: "TestSupport", dependencies: ["Postgres", "Storage"], path: "Tests/TestSupport"),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        // Tools/ holds the networkx checker the allocation tests run; it is not Swift.
        .testTarget(name: "MatchingTests", dependencies: ["Matching"], exclude: ["Tools"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Postgres", "TestSupport"]),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API", "Storage", "Postgres", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
