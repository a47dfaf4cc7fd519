// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "asar",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "asar", targets: ["asar"]),
    ],
    dependencies: [
        // Without the default ConfigurationSupport trait: nothing here reads swift-configuration, and
        // it is 48 more files in every clean build.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        // OpenSSL's libcrypto, for HMAC-SHA-1; libpq-dev depends on libssl-dev, so it is there.
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl"])]
        ),
        // TOTP codes and authenticator URLs for the second factor.
        .target(name: "OneTimePassword", dependencies: ["CLibCrypto"]),
        // Webhook deliveries: HMAC-SHA-256 signatures, the check against server-side request
        // forgery, and the POST itself (Foundation's URLSession, libcurl on Linux: HTTPS without a
        // new package).
        .target(name: "Webhooks", dependencies: ["CLibCrypto"]),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Pure: the caller, the partnership state machine, KATO, the focus taxonomy, one Language.
        .target(name: "Domain"),
        // Pure: scoring, ranking, explanations, allocation.
        .target(name: "Matching", dependencies: ["Domain"]),
        .target(
            name: "Storage",
            dependencies: [
                "Postgres",
                "Domain",
                "Matching",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The demo and synthetic data behind `asar seed`; not part of the service.
        .target(name: "DemoData", dependencies: ["Storage", "Postgres", "Domain", "Matching"]),
        // Sends one message to an SMTP relay (RFC 5321 over SwiftNIO); knows nothing of ASAR.
        .target(
            name: "Mail",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // One method per use case, taking an explicit caller; every authorization decision. No HTTP.
        .target(
            name: "UseCases",
            dependencies: [
                "Domain",
                "Matching",
                "Storage",
                "Postgres",
                "Mail",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                "OneTimePassword",
                "Webhooks",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The pages people use: public portal, sign-in, workspaces. Thin, like the API.
        .target(
            name: "Web",
            dependencies: [
                "UseCases",
                "Domain",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Templates"), .copy("Messages"), .copy("Assets")]
        ),
        .target(
            name: "API",
            dependencies: [
                "UseCases",
                "Web",
                "Domain",
                "Storage",
                "Matching",
                "Postgres",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
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
                "UseCases",
                "DemoData",
                "Domain",
                "Storage",
                "Postgres",
                "Matching",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Creates a migrated template database once per test run and a fresh copy per test.
        .target(name: "TestSupport", dependencies: ["Postgres", "Domain", "Storage", "UseCases", "DemoData"], path: "Tests/TestSupport"),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        // Tools/ holds the networkx checker the allocation tests run; it is not Swift.
        .testTarget(name: "DomainTests", dependencies: ["Domain"]),
        .testTarget(name: "MatchingTests", dependencies: ["Matching", "Domain"], exclude: ["Tools"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Domain", "DemoData", "Postgres", "TestSupport"]),
        .testTarget(name: "UseCasesTests", dependencies: ["UseCases", "Domain", "Storage", "Postgres", "TestSupport"]),
        .testTarget(name: "WebTests", dependencies: ["Web", "Domain"]),
        // People, sessions and mail against PostgreSQL and a real SMTP sink (aiosmtpd from PyPI).
        .testTarget(name: "AccountTests", dependencies: ["UseCases", "Mail", "Domain", "Storage", "Postgres", "TestSupport"]),
        .testTarget(name: "OneTimePasswordTests", dependencies: ["OneTimePassword"]),
        .testTarget(name: "WebhooksTests", dependencies: ["Webhooks"]),
        .testTarget(name: "MailTests", dependencies: ["Mail", "TestSupport"]),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API", "UseCases", "Domain", "Storage", "Postgres", "TestSupport",
                // Not HummingbirdTesting: RouterClient does its router mode (see README, Dependencies).
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
